import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { jsonOf, textOf } from '../helpers/mcp-client.js';

export type ErrorBody = { error: { code: string; message: string } };

/** Calls a tool; returns its code (`OK` when not an error), message and the raw text. */
export async function call(client: Client, name: string, args: Record<string, unknown>) {
  const res = await client.callTool({ name, arguments: args });
  const text = textOf(res);
  if (res.isError !== true)
    return { code: 'OK', message: '', text, body: jsonOf<Record<string, unknown>>(res) };
  const { error } = jsonOf<ErrorBody>(res);
  return { code: error.code, message: error.message, text, body: undefined };
}

/** Polls llm_job_status until the job leaves queued/running; returns the status text. */
export async function settledJob(client: Client, jobId: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const text = textOf(await client.callTool({ name: 'llm_job_status', arguments: { jobId } }));
    if (!/"state":"(?:queued|running)"/.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** FAKE_CLI_* names must stay allow-listed for the fakes to be steered. */
export const FAKE_ALLOW =
  'FAKE_CLI_MODE,FAKE_CLI_MARKER,FAKE_CLI_PIDFILE,FAKE_CLI_DELAY_MS,FAKE_CLI_MCP_CAPTURE';

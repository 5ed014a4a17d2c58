import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createLogger, type HttpHost } from 'mcp-host';
import { openEngine, type Engine } from '../../src/index.js';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
  type HttpServeConfig,
  type McpDeps,
} from '../../src/mcp/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../..');
/** The real CLI entry point, run from sources like the docs tell users to. */
export const CLI_MAIN = path.resolve(here, '../../src/cli/main.ts');
export const NODE_ARGS = ['--conditions=source', '--import', 'tsx'];

export const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdef',
  agent: 'agent-token-0123456789abcdef',
  agent2: 'agent2-token-0123456789abcdef',
} as const;
export const TOKEN_ENV = `human:alice=${TOKENS.alice},human:bob=${TOKENS.bob},llm:agent-1=${TOKENS.agent},llm:agent-2=${TOKENS.agent2}`;
export const SERVICE_TOKEN = 'service-token-0123456789abcdef';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-mcp-'));
}

/** A demo-seeded recon database on disk; returns its path. */
export function seededDb(): string {
  const dbPath = path.join(tempDir(), 'recon.db');
  const engine = openEngine({ dbPath });
  engine.seedDemo();
  engine.close();
  return dbPath;
}

/** Opens an engine on the same file, for assertions (WAL: concurrent with the server). */
export function inspect(dbPath: string): Engine {
  return openEngine({ dbPath, sweepOnOpen: false });
}

export const quietLogger = () => createLogger('closegate-mcp-test', { level: 'silent' });

export interface HttpFixture {
  url: string;
  host: HttpHost;
  deps: McpDeps;
  close(): Promise<void>;
}

/** closegate over HTTP in-process on an ephemeral loopback port, auth from `env` like `mcp serve --http`. */
export async function startHttp(
  dbPath: string,
  env: NodeJS.ProcessEnv,
  config: Partial<HttpServeConfig> = {},
): Promise<HttpFixture> {
  const deps = openMcpDeps({ dbPath, env, logger: quietLogger() });
  const auth = httpAuthFromEnv(env, () => 'test');
  const host = await serveCloseGateHttp(deps, { host: '127.0.0.1', port: 0, ...config }, auth);
  return {
    url: host.url,
    host,
    deps,
    close: async () => {
      await host.close();
      closeMcpDeps(deps);
    },
  };
}

export async function httpClient(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'closegate-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An SDK client talking to `closegate-engine mcp serve` as a child process over stdio. */
export async function stdioClient(
  dbPath: string,
  env: Record<string, string>,
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...NODE_ARGS, CLI_MAIN, 'mcp', 'serve', '--db', dbPath],
    env: { PATH: process.env.PATH ?? '', MCP_LOG_LEVEL: 'warn', ...env },
    cwd: REPO_ROOT,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const client = new Client({ name: 'closegate-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err };
}

/** The JSON a tool returned (text content), plus its isError flag. */
export function parse(result: unknown): { isError: boolean; body: Record<string, unknown> } {
  const r = result as CallToolResult;
  const text = r.content.find((c) => c.type === 'text');
  return {
    isError: r.isError === true,
    body: JSON.parse(text && 'text' in text ? text.text : 'null') as Record<string, unknown>,
  };
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return parse(await client.callTool({ name, arguments: args }));
}

/** MCP_TOOL_CALL events (newest last) as {actor, tool, decision, code}. */
export function toolCalls(engine: Engine): {
  actor: string;
  tool: string;
  decision: string;
  code?: string;
  seq: number;
  payload: Record<string, unknown>;
}[] {
  return engine.queries.auditQuery({ type: 'MCP_TOOL_CALL', limit: 1000 }).map((e) => ({
    actor: e.actor,
    seq: e.seq,
    tool: String(e.payload.tool),
    decision: String(e.payload.decision),
    ...(typeof e.payload.code === 'string' ? { code: e.payload.code } : {}),
    payload: e.payload,
  }));
}

let counter = 0;
export const key = (prefix = 'k') => `${prefix}-${Date.now()}-${++counter}`;

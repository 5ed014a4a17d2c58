import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAgentRunner } from '../agent/runner.js';
import type { Budgets, RunEvent, RunRecord } from '../agent/types.js';
import { createBackend } from '../llm/index.js';
import { connectEngine } from '../mcp-client/connect.js';
import type { ConnectEngineOptions, EngineConnection } from '../mcp-client/types.js';
import { openAgentStore } from '../store/sqlite-store.js';
import { argsErrorMessage } from 'mcp-host';
import { EXIT_BUDGET, EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from './io.js';
import { formatRun } from './format.js';
import { seedDemoDatabase } from './seed.js';

export const RUN_HELP = `usage: closegate-agent run --task TEXT [options]

Runs the recon-operator agent once (headless, e.g. from cron) and prints what it
proposed, what the gate escalated or denied, and what it flagged.

options:
  --task TEXT          what to do, e.g. "reconcile the demo book" (required)
  --backend NAME       scripted | anthropic | llm-cli-gateway (default: $CLOSEGATE_AGENT_BACKEND, else scripted)
  --script FILE        scripted: tool-use script (default: skills/recon-operator/demo-script.json)
  --model NAME         anthropic / llm-cli-gateway model (default: $CLOSEGATE_AGENT_MODEL, else claude-sonnet-4-5)
  --base-url URL       anthropic: Messages API base URL (default: $ANTHROPIC_BASE_URL)
  --gateway-url URL    llm-cli-gateway over HTTP (token: $CLOSEGATE_AGENT_GATEWAY_TOKEN); default: a stdio child
  --engine-url URL     closegate MCP server over HTTP (credential from the environment, see below)
  --db PATH            else: start \`closegate-engine mcp serve --db PATH\` as a stdio child
                       (default: $CLOSEGATE_DB, else ./.closegate/recon.db)
  --policy FILE        policy.yaml for the stdio child
  --seed-demo          set-up step: create PATH with the demo book if it does not exist (not for --engine-url)
  --actor ID           engine actor of the agent (default: $CLOSEGATE_AGENT_ACTOR, else llm:recon-operator)
  --agent-db PATH      transcripts (default: $CLOSEGATE_AGENT_DB, else ./.closegate/agent.db; created 0600)
  --max-turns N  --max-tool-calls N  --max-wall-ms N  --max-tokens N    budgets of this run
  --json               print the run record (with its report) as JSON
  -h, --help           this help

engine credential (HTTP): CLOSEGATE_SERVICE_TOKEN (header-trust: the actor goes in X-Actor-Id)
  or CLOSEGATE_AGENT_ENGINE_TOKEN (a bearer token bound to the actor). Never a flag, never shown to the model.
anthropic: ANTHROPIC_API_KEY (environment only).

exit: 0 succeeded, 1 failed, 2 usage, 5 stopped by a budget.`;

const OPTIONS = {
  task: { type: 'string' },
  backend: { type: 'string' },
  script: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  'gateway-url': { type: 'string' },
  'engine-url': { type: 'string' },
  db: { type: 'string' },
  policy: { type: 'string' },
  'seed-demo': { type: 'boolean' },
  actor: { type: 'string' },
  'agent-db': { type: 'string' },
  'max-turns': { type: 'string' },
  'max-tool-calls': { type: 'string' },
  'max-wall-ms': { type: 'string' },
  'max-tokens': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function budgetsOf(values: Record<string, unknown>): Partial<Budgets> {
  const out: Partial<Budgets> = {};
  const map: [string, keyof Budgets][] = [
    ['max-turns', 'maxTurns'],
    ['max-tool-calls', 'maxToolCalls'],
    ['max-wall-ms', 'maxWallMs'],
    ['max-tokens', 'maxTokens'],
  ];
  for (const [flag, key] of map) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^\d{1,12}$/.test(raw))
      throw new UsageError(`--${flag} must be a non-negative integer`, RUN_HELP);
    out[key] = Number(raw);
  }
  return out;
}

function engineOptions(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  actor: string,
): { opts: ConnectEngineOptions; secrets: string[]; db: string | null } {
  const url = values['engine-url'] as string | undefined;
  if (url !== undefined) {
    if (values.db !== undefined || values['seed-demo'] === true)
      throw new UsageError('--engine-url excludes --db and --seed-demo', RUN_HELP);
    const service = env.CLOSEGATE_SERVICE_TOKEN;
    const bearer = env.CLOSEGATE_AGENT_ENGINE_TOKEN;
    if (service)
      return {
        opts: { url, actor, auth: { kind: 'header-trust', serviceToken: service } },
        secrets: [service],
        db: null,
      };
    if (bearer)
      return { opts: { url, actor, auth: { kind: 'bearer', token: bearer } }, secrets: [bearer], db: null };
    return { opts: { url, actor, auth: { kind: 'none' } }, secrets: [], db: null };
  }
  const db = path.resolve((values.db as string | undefined) ?? env.CLOSEGATE_DB ?? './.closegate/recon.db');
  return { opts: { db, actor, policy: values.policy as string | undefined }, secrets: [], db };
}

/** The database setting as the user wrote it, for error messages: `--db x`, `CLOSEGATE_DB=x` or the default. */
function dbSettingLabel(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  if (typeof values.db === 'string') return `--db ${values.db}`;
  if (env.CLOSEGATE_DB !== undefined && env.CLOSEGATE_DB !== '') return `CLOSEGATE_DB=${env.CLOSEGATE_DB}`;
  return `default ${path.resolve('./.closegate/recon.db')}`;
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError(argsErrorMessage(err), RUN_HELP);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) {
    io.out(RUN_HELP);
    return EXIT_OK;
  }
  const task = values.task as string | undefined;
  if (task === undefined || task.trim() === '') throw new UsageError('--task is required', RUN_HELP);
  const env = io.env;
  const actor = (values.actor as string | undefined) ?? env.CLOSEGATE_AGENT_ACTOR ?? 'llm:recon-operator';
  const budgets = budgetsOf(values);
  const { opts, secrets, db } = engineOptions(values, env, actor);
  if (db !== null) {
    if (values['seed-demo'] === true && !fs.existsSync(db)) await seedDemoDatabase(db);
    if (!fs.existsSync(db))
      throw new UsageError(
        `${dbSettingLabel(values, env)}: no such database; pass --seed-demo, or create it with 'closegate-engine demo'`,
        RUN_HELP,
      );
  }
  const backend = await createBackend({
    backend: values.backend as string | undefined,
    script: values.script as string | undefined,
    model: values.model as string | undefined,
    baseUrl: values['base-url'] as string | undefined,
    gatewayUrl: values['gateway-url'] as string | undefined,
    env,
  });
  const agentDb = path.resolve(
    (values['agent-db'] as string | undefined) ?? env.CLOSEGATE_AGENT_DB ?? './.closegate/agent.db',
  );
  const keySecrets = [env.ANTHROPIC_API_KEY, env.CLOSEGATE_AGENT_GATEWAY_TOKEN].filter(
    (s): s is string => !!s,
  );
  const allSecrets = [...secrets, ...keySecrets];
  const store = openAgentStore(agentDb, { secrets: allSecrets });
  let engine: EngineConnection | null = null;
  try {
    engine = await connectEngine(opts);
    const runner = createAgentRunner({ engine, store, backend, secrets: allSecrets });
    const handle = runner.startRun({ task, requestedBy: env.CLOSEGATE_AGENT_REQUESTED_BY ?? 'cli', budgets });
    if (values.json !== true) void progress(handle.events(), io);
    const record: RunRecord = await handle.done;
    io.out(
      values.json === true ? JSON.stringify({ ...record, agentDb }, null, 2) : formatRun(record, agentDb),
    );
    if (record.status === 'succeeded') return EXIT_OK;
    return record.status === 'budget_exceeded' ? EXIT_BUDGET : EXIT_FAILED;
  } finally {
    await engine?.close().catch(() => undefined);
    await backend.close?.().catch(() => undefined);
    store.close();
  }
}

/** One line per tool call on stderr, so a person watching sees progress (stdout stays the result). */
async function progress(events: AsyncIterable<RunEvent>, io: CliIo): Promise<void> {
  for await (const e of events) {
    if (e.type === 'tool_result')
      io.err(
        `  ${e.refusedBy ? 'refused' : 'called '} ${e.tool} -> ${e.outcome}${e.code ? ` (${e.code})` : ''}`,
      );
    else if (e.type === 'flagged')
      io.err(`  flagged entry ${e.entryId} (${e.by}): prompt_injection_suspected`);
  }
}

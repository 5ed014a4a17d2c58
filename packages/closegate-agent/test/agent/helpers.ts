import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from 'mcp-host';
import { openEngine, type Engine } from 'closegate-engine';
// Test-only reach into the engine package: the real MCP server in-process on a loopback port.
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
} from '../../../closegate-engine/src/mcp/index.js';
import { createAgentRunner, type AgentRunnerOptions } from '../../src/agent/runner.js';
import type { Budgets, RunRecord } from '../../src/agent/types.js';
import { parseScript, scriptedBackend } from '../../src/llm/scripted.js';
import type { LlmBackend, LlmRequest, LlmResponse } from '../../src/llm/types.js';
import { connectEngine } from '../../src/mcp-client/connect.js';
import type { EngineConnection } from '../../src/mcp-client/types.js';
import { openAgentStore } from '../../src/store/sqlite-store.js';
import type { AgentStore } from '../../src/store/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = path.resolve(here, '../..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

export const SERVICE_TOKEN = 'svc-token-agent-tests-0123456789abcdef';
export const AGENT_ACTOR = 'llm:recon-operator';

const dirs: string[] = [];

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-agent-'));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A fresh demo book (seeded, no recon pass) in a temp dir. */
export function seededDb(): string {
  const dbPath = path.join(tempDir(), 'recon.db');
  const engine = openEngine({ dbPath });
  engine.seedDemo();
  engine.close();
  return dbPath;
}

/** Opens the engine on the same file for assertions (never used by the agent itself). */
export function inspect(dbPath: string): Engine {
  return openEngine({ dbPath, sweepOnOpen: false });
}

export interface EngineServer {
  url: string;
  close(): Promise<void>;
}

/** The closegate MCP server over HTTP, header-trust with SERVICE_TOKEN, on 127.0.0.1:0. */
export async function startEngineHttp(dbPath: string): Promise<EngineServer> {
  const env = {
    CLOSEGATE_AUTH_BACKEND: 'header-trust',
    CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN,
  } as NodeJS.ProcessEnv;
  const deps = openMcpDeps({ dbPath, env, logger: createLogger('agent-test', { level: 'silent' }) });
  const host = await serveCloseGateHttp(
    deps,
    { host: '127.0.0.1', port: 0 },
    httpAuthFromEnv(env, () => 'x'),
  );
  return {
    url: host.url,
    close: async () => {
      await host.close();
      closeMcpDeps(deps);
    },
  };
}

export function connectAgent(url: string, actor = AGENT_ACTOR): Promise<EngineConnection> {
  return connectEngine({ url, actor, serviceToken: SERVICE_TOKEN });
}

/** A backend from a function of (request, turn index); records every request it was sent. */
export function fnBackend(
  fn: (req: LlmRequest, turn: number) => Partial<LlmResponse> & Pick<LlmResponse, 'content'>,
): LlmBackend & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    name: 'test',
    model: 'test-model',
    requests,
    async complete(req) {
      requests.push(structuredClone({ ...req, signal: undefined }));
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      const r = fn(req, turn);
      return {
        stopReason: r.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
        usage: { inputTokens: 10, outputTokens: 10 },
        ...r,
      };
    },
  };
}

export function scripted(turns: unknown[]): LlmBackend {
  return scriptedBackend(parseScript({ version: 1, turns }));
}

export interface Harness {
  dbPath: string;
  server: EngineServer;
  engine: EngineConnection;
  store: AgentStore;
  agentDb: string;
  run(
    backend: LlmBackend,
    task?: string,
    opts?: Partial<AgentRunnerOptions> & { budgets?: Partial<Budgets> },
  ): Promise<RunRecord>;
  close(): Promise<void>;
}

/** Seeded book + engine over HTTP + agent connection + agent.db, all in temp dirs. */
export async function harness(opts: { secrets?: string[]; dbPath?: string } = {}): Promise<Harness> {
  const dbPath = opts.dbPath ?? seededDb();
  const server = await startEngineHttp(dbPath);
  const engine = await connectAgent(server.url);
  const agentDb = path.join(tempDir(), 'state', 'agent.db');
  const store = openAgentStore(agentDb, { secrets: [SERVICE_TOKEN, ...(opts.secrets ?? [])] });
  const self: Harness = {
    dbPath,
    server,
    engine,
    store,
    agentDb,
    async run(backend, task = 'reconcile the demo book', o = {}) {
      const runner = createAgentRunner({ engine, store: self.store, backend, ...o });
      return runner.startRun({ task, requestedBy: 'human:tester', budgets: o.budgets }).done;
    },
    async close() {
      await engine.close();
      self.store.close();
      await server.close();
    },
  };
  return self;
}

/** MCP_TOOL_CALL audit events after `afterSeq`. */
export function toolCallEvents(
  dbPath: string,
  afterSeq = 0,
): { seq: number; actor: string; tool: string; decision: string; code?: string; idempotencyKey?: string }[] {
  const e = inspect(dbPath);
  try {
    return e.queries
      .auditQuery({ type: 'MCP_TOOL_CALL', limit: 1000 })
      .filter((ev) => ev.seq > afterSeq)
      .map((ev) => ({
        seq: ev.seq,
        actor: ev.actor,
        tool: String(ev.payload.tool),
        decision: String(ev.payload.decision),
        ...(typeof ev.payload.code === 'string' ? { code: ev.payload.code } : {}),
        ...(typeof ev.payload.idempotencyKey === 'string'
          ? { idempotencyKey: ev.payload.idempotencyKey }
          : {}),
      }));
  } finally {
    e.close();
  }
}

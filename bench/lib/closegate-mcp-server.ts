// One server of the closegate-mcp bench, in its own process so clients do not share its event
// loop: the bare SDK ping server (baseline) or closegate on a demo book with extra pairs. Prints
// `READY <url> <json>` and answers the parent's IPC (CPU usage, profile start/stop).
// Run by bench/closegate-mcp.bench.ts as `closegate-mcp-server.ts <baseline|closegate> <dist|source>`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from 'closegate-engine';
import { createLogger } from 'mcp-host';
import { serveBaseline } from './baseline-mcp.js';
import type * as McpModule from '../../packages/closegate-engine/src/mcp/index.js';

export const TOKEN = 'bench-token-0123456789abcdef';
const ACTOR = 'llm:bench-agent';
const EXTRA_PAIRS = 600;

export type Kind = 'baseline' | 'closegate';
export type Targets = { flag: number[]; escalate: number[] };

function prepareDatabase(): { dbPath: string; targets: Targets } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'closegate-mcp-bench-')), 'recon.db');
  const engine = openEngine({ dbPath });
  try {
    engine.seedDemo();
    const rows = [
      'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty',
    ];
    for (let i = 0; i < EXTRA_PAIRS; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const amount = `${100 + i}.${String(i % 100).padStart(2, '0')}`;
      rows.push(`gl,US01,1010,2026-03-${day},${amount},USD,BENCH-${i},Bench receipt ${i},Bench Co`);
      rows.push(`bank,US01,1010,2026-03-${day},${amount},USD,BENCH-${i},Bench receipt ${i},Bench Co`);
    }
    engine.operations.importCsv({ actor: 'human:bench-setup', csv: rows.join('\n') + '\n', batch: 'bench' });
    const byRef = new Map<string, number[]>();
    for (const e of engine.queries
      .unmatched({ limit: 1000, afterId: 0 })
      .concat(engine.queries.unmatched({ limit: 1000, afterId: 1000 }))) {
      if (e.reference.startsWith('BENCH-')) byRef.set(e.reference, [...(byRef.get(e.reference) ?? []), e.id]);
    }
    const targets: Targets = { flag: [], escalate: [] };
    let i = 0;
    for (const ids of byRef.values()) {
      if (i++ % 2 === 0) {
        const r = engine.operations.propose({
          actor: 'llm:bench-setup',
          idempotencyKey: `setup-${i}`,
          entryIds: ids,
        });
        targets.escalate.push(r.matchId!);
      } else targets.flag.push(...ids);
    }
    return { dbPath, targets };
  } finally {
    engine.close();
  }
}

async function serveClosegate(): Promise<{
  url: string;
  targets: Targets;
  dbPath: string;
  startSeq: number;
}> {
  const { dbPath, targets } = prepareDatabase();
  const { openMcpDeps, serveCloseGateHttp, httpAuthFromEnv, closeMcpDeps } = await loadMcp();
  const env = { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: `${ACTOR}=${TOKEN}` };
  const deps = openMcpDeps({ dbPath, env, logger: createLogger('bench', { level: 'warn' }) });
  const startSeq = deps.engine.context.store.audit.head()?.seq ?? 0;
  const host = await serveCloseGateHttp(
    deps,
    // All bench clients share one actor; let it use the whole session cap (default: a quarter).
    { host: '127.0.0.1', port: 0, maxSessionsPerPrincipal: 64 },
    httpAuthFromEnv(env, () => 'x'),
  );
  process.on('SIGTERM', () => {
    void host.close().finally(() => {
      closeMcpDeps(deps);
      process.exit(0);
    });
  });
  return { url: host.url, targets, dbPath, startSeq };
}

/** closegate's MCP module from the target the parent chose (argv: `<kind> <target>`). */
function loadMcp(): Promise<typeof McpModule> {
  const dir = process.argv[3] === 'dist' ? 'dist' : 'src';
  return import(`../../packages/closegate-engine/${dir}/mcp/index.js`) as Promise<typeof McpModule>;
}

/** The server child's side of the IPC: CPU usage, and (with PROFILE_DIR) profile start/stop. */
function answerControl(): void {
  let session: Session | undefined;
  process.on('message', (m: string) => {
    if (m === 'profile-start') {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session!.post('Profiler.setSamplingInterval', { interval: 100 }, () =>
          session!.post('Profiler.start', () => process.send!('started')),
        ),
      );
    } else if (m.startsWith('profile-stop ')) {
      session!.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(m.slice('profile-stop '.length), JSON.stringify(result.profile));
        session!.disconnect();
        process.send!('stopped');
      });
    } else process.send!(process.cpuUsage());
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2] as Kind;
  const ready =
    kind === 'baseline'
      ? { url: (await serveBaseline()).url, targets: { flag: [], escalate: [] } }
      : await serveClosegate();
  answerControl();
  const { url, ...rest } = ready;
  process.stdout.write(`READY ${url} ${JSON.stringify(rest)}\n`);
}

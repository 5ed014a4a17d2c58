import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RunRecord } from '../../src/agent/types.js';
import { openAgentStore } from '../../src/store/sqlite-store.js';
import { inspect, PACKAGE_DIR, REPO_ROOT, removeTempDirs, tempDir } from '../agent/helpers.js';

const CLI = path.join(PACKAGE_DIR, 'src/cli/main.ts');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { PATH: process.env.PATH } },
  };
}

afterAll(() => removeTempDirs());

describe('closegate-agent run (scripted backend, engine as a stdio child)', () => {
  it('reconciles a fresh demo book and prints what it proposed, what the gate escalated, what it flagged', () => {
    const dir = tempDir();
    const db = path.join(dir, 'books', 'recon.db');
    const agentDb = path.join(dir, 'state', 'agent.db');
    const res = spawnSync(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CLI,
        'run',
        '--task',
        'reconcile the demo book',
        '--seed-demo',
        '--db',
        db,
        '--agent-db',
        agentDb,
      ],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: dir, MCP_LOG_LEVEL: 'warn' },
        timeout: 120_000,
      },
    );
    expect(res.stderr).not.toMatch(/Error|failed/);
    expect(res.status).toBe(0);
    const out = res.stdout;
    expect(out).toMatch(/^run run_\S+: succeeded/);
    expect(out).toContain('engine actor llm:recon-operator');
    expect(out).toMatch(
      /recon pass \(engine run 1\): proposed 70, auto-confirmed 55, escalated by the gate 15, denied 0, exceptions 7/,
    );
    expect(out).toContain('3 x ACCOUNT_FORCED_HUMAN');
    expect(out).toContain('proposed by the agent (2):');
    expect(out).toMatch(/match \d+ lines 60, 61: Same reference INV-4400/);
    expect(out).toContain('flagged as prompt_injection_suspected (1):');
    expect(out).toContain('entry 63 by detector (engine: allow)');
    // progress on stderr, one line per call
    expect(res.stderr).toContain('called  run_recon_pass -> allow');

    expect(fs.statSync(agentDb).mode & 0o777).toBe(0o600);
    const store = openAgentStore(agentDb);
    let run: RunRecord;
    try {
      [run] = store.listRuns() as [RunRecord];
      expect(run).toMatchObject({
        status: 'succeeded',
        backend: 'scripted',
        actor: 'llm:recon-operator',
        requestedBy: 'cli',
      });
      expect(store.getTranscript(run.id).filter((t) => t.kind === 'tool_call')).toHaveLength(10);
    } finally {
      store.close();
    }
    // The engine's view: proposals by the agent's actor, the chain intact, the pass as a workflow run.
    const e = inspect(db);
    try {
      for (const p of run.report!.proposed)
        expect(e.queries.match(p.matchId!).proposedBy).toBe('llm:recon-operator');
      expect(e.queries.verifyAudit().ok).toBe(true);
      const flags = e.queries.auditQuery({ type: 'EXCEPTION_FLAGGED', limit: 100 });
      expect(flags.filter((f) => f.actor === 'llm:recon-operator')).toHaveLength(1);
      expect(flags.filter((f) => f.actor.startsWith('human:'))).toHaveLength(0);
    } finally {
      e.close();
    }
  });

  it('--json prints the run record; a budget stops it with exit 4', async () => {
    const dir = tempDir();
    const c = io();
    const code = await main(
      [
        'run',
        '--task',
        'reconcile',
        '--seed-demo',
        '--db',
        path.join(dir, 'recon.db'),
        '--agent-db',
        path.join(dir, 'agent.db'),
        '--max-turns',
        '2',
        '--json',
      ],
      c.io,
    );
    expect(code).toBe(5);
    const record = JSON.parse(c.out.join('\n')) as RunRecord;
    expect(record).toMatchObject({ status: 'budget_exceeded', stopReason: 'max_turns', turns: 2 });
  });
});

describe('closegate-agent usage', () => {
  it.each([[['--help']], [['run', '--help']], [['serve', '--help']]])(
    '%j prints help and exits 0',
    async (argv) => {
      const c = io();
      expect(await main(argv, c.io)).toBe(0);
      expect(c.out.join('\n')).toMatch(/^usage: closegate-agent/);
    },
  );

  it.each([
    [['run'], /--task is required/],
    [
      ['run', '--task', 'x', '--bogus'],
      /^closegate-agent: unknown option --bogus\nrun 'closegate-agent run --help'$/,
    ],
    [['run', '--task', 'x', '--max-turns', '1e3'], /non-negative integer/],
    [['run', '--task', 'x', '--engine-url', 'http://127.0.0.1:1/mcp', '--db', 'x.db'], /excludes --db/],
    [
      ['run', '--task', 'x', '--db', '/nonexistent/recon.db'],
      /--db \/nonexistent\/recon.db: no such database/,
    ],
    [['frobnicate'], /unknown command/],
  ])('%j is a usage error', async (argv, message) => {
    const c = io();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
    expect(c.err.join('\n')).not.toContain('usage:');
  });

  it('an unknown backend is refused before anything starts', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'recon.db');
    fs.writeFileSync(db, '');
    const c = io();
    expect(
      await main(
        ['run', '--task', 'x', '--db', db, '--backend', 'gpt', '--agent-db', path.join(dir, 'a.db')],
        c.io,
      ),
    ).toBe(1);
    expect(c.err.join('\n')).toContain('BACKEND_UNKNOWN');
  });
});

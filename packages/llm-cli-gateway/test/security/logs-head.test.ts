import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqlite, parseHead } from 'audit-chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsHead, verifyLogs } from '../../src/cli/logs.js';
import { FlightRecorder } from '../../src/recorder/recorder.js';
import { CHAIN_TABLE } from '../../src/recorder/schema.js';
import { REPO_ROOT, tempDir } from '../helpers/env.js';

/**
 * Weakness: deleting the newest flight-recorder rows together with their
 * chain events leaves a chain that verifies. An exported head (`logs head`)
 * makes that truncation detectable (`logs verify --expect-head`).
 */
const tmp = tempDir('gw-logs-head-');
const env = { LLM_GATEWAY_HOME: tmp.dir, PATH: process.env.PATH ?? '' };
afterAll(() => tmp.cleanup());

function cli(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts', ...args],
    { cwd: REPO_ROOT, env, encoding: 'utf8' },
  );
}

beforeAll(() => {
  const rec = new FlightRecorder(join(tmp.dir, 'logs.db'));
  for (let i = 0; i < 3; i++) {
    const id = randomUUID();
    rec.start({ correlationId: id, owner: 'local:op', transport: 'stdio', cli: 'claude', prompt: `p${i}` });
    rec.complete(id, 'local:op', { status: 'completed', durationMs: 1, exitCode: 0, response: 'r' });
  }
  rec.close();
});

describe('logs head / logs verify --expect-head', () => {
  it('detects a truncated tail that plain verify cannot see', async () => {
    const before = await logsHead(env);
    expect(before).toMatchObject({ ok: true, seq: 6 });
    const head = parseHead(String((before as { head: string }).head));
    expect(await verifyLogs(env, head)).toMatchObject({ ok: true });

    // The attacker has write access: drops the triggers, deletes the newest request and its two
    // chain events, and puts the triggers back (verify reports missing or altered triggers).
    const db = openSqlite(join(tmp.dir, 'logs.db'));
    const triggers = ['requests_no_delete', `${CHAIN_TABLE}_no_delete`].map(
      (name) =>
        db
          .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?")
          .pluck()
          .get(name) as string,
    );
    db.exec(`DROP TRIGGER requests_no_delete; DROP TRIGGER ${CHAIN_TABLE}_no_delete;`);
    db.exec(`DELETE FROM requests WHERE rowid = (SELECT max(rowid) FROM requests)`);
    db.exec(`DELETE FROM ${CHAIN_TABLE} WHERE seq > 4`);
    for (const sql of triggers) db.exec(sql);
    db.close();

    expect(await verifyLogs(env)).toMatchObject({ ok: true, requests: 2 }); // undetectable without a head
    const checked = await verifyLogs(env, head);
    expect(checked.ok).toBe(false);
    expect((checked as { problem: string }).problem).toMatch(/6|head|truncat/i);
  });

  it('through the CLI: logs head prints SEQ:HASH, verify --expect-head exits 3 (verification failed), a bad head is a usage error', () => {
    const head = cli('logs', 'head');
    expect(head.status).toBe(0);
    expect(head.stdout.trim()).toMatch(/^4:[0-9a-f]{64}$/);
    const later = `6:${'a'.repeat(64)}`;
    const bad = cli('logs', 'verify', '--expect-head', later, '--json');
    expect(bad.status).toBe(3);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false });
    expect(cli('logs', 'verify', '--expect-head', 'nonsense').status).toBe(2);
  }, 120_000);
});

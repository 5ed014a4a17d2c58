import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run desk` end to end, minus the builds: from the TypeScript sources it seeds a
// fresh demo book, starts the engine MCP server and the agent service on loopback, and
// prints a one-time login link that logs in human:alice exactly once.
describe('npm run desk (tools/desk.mjs)', { timeout: 120_000 }, () => {
  let dir: string;
  let child: ChildProcess;
  let ready: { url: string; loginUrl: string; db: string };
  let stderr = '';
  let cookie = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-cmd-'));
    child = spawn(
      process.execPath,
      [
        'tools/desk.mjs',
        '--no-build',
        '--from-source',
        '--port',
        '0',
        '--db',
        path.join(dir, 'recon.db'),
        '--json',
      ],
      { cwd: path.resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    ready = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as typeof ready);
      });
      child.on('exit', (code) => reject(new Error(`desk exited ${code}: ${stderr}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the demo book into the given database, readable by its owner only', () => {
    expect(ready.db).toBe(path.join(dir, 'recon.db'));
    expect(fs.statSync(ready.db).mode & 0o077).toBe(0);
    expect(stderr).toContain('seeding the demo book');
  });

  it('serves on loopback and prints a one-time login link for human:alice', async () => {
    expect(new URL(ready.url).hostname).toBe('127.0.0.1');
    const login = await fetch(ready.loginUrl, { redirect: 'manual' });
    expect(login.status).toBe(302);
    cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const me = await fetch(`${ready.url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { actorId: string }).actorId).toBe('human:alice');
    // The link is used up.
    const again = await fetch(ready.loginUrl, { redirect: 'manual' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.headers.getSetCookie().some((c) => c.startsWith('closegate_session='))).toBe(false);
  });

  it('answers /api from the seeded book for the session, and nothing without one', async () => {
    const inbox = await fetch(`${ready.url}/api/escalations?pageSize=5`, { headers: { cookie } });
    expect(inbox.status).toBe(200);
    const page = (await inbox.json()) as { total: number; rows: unknown[] };
    expect(page.total).toBeGreaterThan(10);
    expect(page.rows).toHaveLength(5);
    expect((await fetch(`${ready.url}/api/escalations`)).status).toBe(401);
  });

  it('stops both servers on SIGTERM', async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await expect(fetch(`${ready.url}/api/me`)).rejects.toThrow();
  });
});

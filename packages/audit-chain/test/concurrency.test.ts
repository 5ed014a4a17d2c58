import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuditChain, openSqlite } from '../src/index.js';
import { tempDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

function runWorker(file: string, actor: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        path.join(here, 'fixtures', 'append-worker.ts'),
        file,
        actor,
        String(count),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`worker ${actor} exited ${code}: ${stderr}`)),
    );
  });
}

describe('several writers on one file', () => {
  it('two connections appending alternately keep one valid chain', () => {
    const file = path.join(tempDir(), 'shared.db');
    const a = new AuditChain(openSqlite(file));
    const b = new AuditChain(openSqlite(file));
    for (let i = 0; i < 100; i++) {
      const writer = i % 2 === 0 ? a : b;
      const r = writer.append({ type: 'tick', actor: i % 2 === 0 ? 'proc:a' : 'proc:b', payload: { i } });
      expect(r.seq).toBe(i + 1);
    }
    expect(a.verify()).toMatchObject({ ok: true, count: 100 });
    expect(b.head()).toEqual(a.head());
    expect(b.query({ limit: 2 }).map((r) => r.actor)).toEqual(['proc:a', 'proc:b']);
  });

  it('an append in a connection whose transaction began before another commit cannot fork the chain', () => {
    const file = path.join(tempDir(), 'fork.db');
    const dbA = openSqlite(file);
    const a = new AuditChain(dbA);
    const b = new AuditChain(openSqlite(file));
    a.append({ type: 't', actor: 'a', payload: {} });
    // A deferred transaction takes its read snapshot, another process commits, then it tries to append.
    dbA.exec('BEGIN');
    expect(a.head()!.seq).toBe(1);
    b.append({ type: 't', actor: 'b', payload: {} });
    expect(() => a.append({ type: 't', actor: 'a', payload: {} })).toThrow(
      expect.objectContaining({ code: 'AUDIT_CONCURRENT_APPEND' }),
    );
    dbA.exec('ROLLBACK');
    expect(a.append({ type: 't', actor: 'a', payload: {} }).seq).toBe(3);
    expect(a.verify()).toMatchObject({ ok: true, count: 3 });
  });

  it('two real processes appending at the same time keep one valid chain', async () => {
    const file = path.join(tempDir(), 'procs.db');
    openSqlite(file).close();
    await Promise.all([runWorker(file, 'proc:one', 300), runWorker(file, 'proc:two', 300)]);
    const chain = new AuditChain(openSqlite(file, { readonly: true }));
    expect(chain.verify()).toMatchObject({ ok: true, count: 600 });
    expect(chain.query({ actor: 'proc:one', limit: 1000 }).length).toBe(300);
    expect(chain.query({ actor: 'proc:two', limit: 1000 }).length).toBe(300);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditChain, openSqlite } from '../src/index.js';
import { tempDir } from './helpers.js';

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

describe('openSqlite', () => {
  it('creates the parent directory 0700 and the db and -wal files 0600', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'x.db');
    const db = openSqlite(file);
    new AuditChain(db).append({ type: 't', actor: 'a', payload: {} });
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    db.close();
  });

  it('creates the file 0600 even under a permissive umask', () => {
    const previous = process.umask(0);
    try {
      const file = path.join(tempDir(), 'umask.db');
      openSqlite(file).close();
      expect(mode(file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('tightens an existing world-readable database and its WAL to 0600', () => {
    const file = path.join(tempDir(), 'loose.db');
    openSqlite(file).close();
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(`${file}-wal`, '');
    fs.chmodSync(`${file}-wal`, 0o666);
    const db = openSqlite(file);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    db.close();
  });

  it('sets WAL, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const db = openSqlite(path.join(tempDir(), 'p.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('refuses to follow a symlink planted at the database path', () => {
    const dir = tempDir();
    const target = path.join(dir, 'elsewhere.db');
    fs.writeFileSync(target, '');
    const link = path.join(dir, 'audit.db');
    fs.symlinkSync(target, link);
    expect(() => openSqlite(link)).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_PATH' }));
  });

  it('read-only: never creates a file and refuses every write', () => {
    const file = path.join(tempDir(), 'ro.db');
    expect(() => openSqlite(file, { readonly: true })).toThrow(
      expect.objectContaining({ code: 'AUDIT_INVALID_PATH' }),
    );
    expect(fs.existsSync(file)).toBe(false);
    const rw = openSqlite(file);
    new AuditChain(rw).append({ type: 't', actor: 'a', payload: {} });
    const ro = openSqlite(file, { readonly: true });
    expect(ro.pragma('query_only', { simple: true })).toBe(1);
    expect(() => ro.exec('CREATE TABLE evil (x)')).toThrow(/readonly/i);
    const chain = new AuditChain(ro);
    expect(chain.verify()).toMatchObject({ ok: true, count: 1 });
    expect(() => chain.append({ type: 't', actor: 'a', payload: {} })).toThrow(
      expect.objectContaining({ code: 'AUDIT_READONLY' }),
    );
    ro.close();
    rw.close();
  });

  it('read-only on a database without the audit table says so', () => {
    const file = path.join(tempDir(), 'empty.db');
    openSqlite(file).close();
    const ro = openSqlite(file, { readonly: true });
    expect(() => new AuditChain(ro)).toThrow(expect.objectContaining({ code: 'AUDIT_MISSING_TABLE' }));
    ro.close();
  });

  it('rejects empty paths and NUL bytes', () => {
    expect(() => openSqlite('')).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_PATH' }));
    expect(() => openSqlite('a\0b')).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_PATH' }));
  });
});

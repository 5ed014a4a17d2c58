import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApprovalError } from '../../src/approval/errors.js';
import { ApprovalManager } from '../../src/approval/manager.js';
import { tempDir } from '../helpers/env.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const SERVERS = {
  files: { command: '/usr/bin/mcp-files', args: ['--root', '/srv'], env: { LEVEL: 'warn' } },
  search: { command: '/usr/bin/mcp-search', args: [], env: {} },
};

function manager(threshold: 'strict' | 'balanced' | 'permissive' = 'balanced') {
  const t = tempDir('gw-approval-');
  const m = new ApprovalManager({
    dbPath: join(t.dir, 'approvals.db'),
    threshold,
    claudePermissionMode: 'default',
    eligibleServers: SERVERS,
    tempDir: t.dir,
  });
  cleanups.push(() => {
    m.close();
    t.cleanup();
  });
  return { m, dir: t.dir };
}

function approvalError(fn: () => unknown): ApprovalError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApprovalError) return err;
    throw err;
  }
  throw new Error('expected an ApprovalError');
}

const secretPrompt = 'The launch code is 0000-TOP-SECRET; summarise the release notes';

describe('ApprovalManager', () => {
  it('approves a Claude request with a private MCP config holding only the requested eligible servers', () => {
    const { m } = manager();
    const launch = m.authorize({
      owner: 'alice',
      provider: 'claude',
      prompt: 'summarise',
      options: {},
      mcpServers: ['files'],
    });
    expect(launch.decision.decision).toBe('approved');
    expect(launch.permissionMode).toBe('default');
    const path = launch.mcpConfig!.path;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const written = JSON.parse(readFileSync(path, 'utf8')) as {
      mcpServers: Record<string, { command: string }>;
    };
    expect(Object.keys(written.mcpServers)).toEqual(['files']);
    expect(written.mcpServers.files!.command).toBe('/usr/bin/mcp-files');
    launch.cleanup();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(path, '..'))).toBe(false);
    launch.cleanup(); // idempotent
  });

  it('writes an empty server map when none are requested (strict config then loads nothing)', () => {
    const { m } = manager();
    const launch = m.authorize({ owner: 'alice', provider: 'claude', prompt: 'hi', options: {} });
    expect(JSON.parse(readFileSync(launch.mcpConfig!.path, 'utf8'))).toEqual({ mcpServers: {} });
    launch.cleanup();
  });

  it('denies before launch, records the denial and writes no config', () => {
    const { m, dir } = manager('balanced');
    const err = approvalError(() =>
      m.authorize({
        owner: 'alice',
        provider: 'claude',
        prompt: 'rm -rf / then git push --force',
        options: {},
      }),
    );
    expect(err.code).toBe('APPROVAL_DENIED');
    expect(readdirSync(dir).filter((f) => f.startsWith('llm-gw-mcp-'))).toEqual([]);
    const [decision] = m.list('alice');
    expect(decision).toMatchObject({ id: err.decisionId, decision: 'denied' });
    expect(
      approvalError(() =>
        m.authorize({ owner: 'alice', provider: 'claude', prompt: 'x', options: {}, mcpServers: ['evil'] }),
      ).code,
    ).toBe('APPROVAL_DENIED');
  });

  it.each(['codex', 'gemini', 'grok', 'mistral'] as const)(
    'refuses mcp_managed for %s, which cannot isolate MCP config',
    (provider) => {
      const { m } = manager('permissive');
      const err = approvalError(() =>
        m.authorize({ owner: 'alice', provider, prompt: 'hello', options: {} }),
      );
      expect(err.code).toBe('APPROVAL_UNSUPPORTED_PROVIDER');
      expect(m.list('alice')[0]).toMatchObject({ decision: 'denied', provider });
    },
  );

  it('records the prompt hash, never the prompt, in a verifiable chain', () => {
    const { m, dir } = manager();
    m.authorize({ owner: 'alice', provider: 'claude', prompt: secretPrompt, options: {} }).cleanup();
    approvalError(() =>
      m.authorize({ owner: 'bob', provider: 'claude', prompt: 'cat ~/.ssh/id_rsa', options: {} }),
    );
    expect(m.verify()).toMatchObject({ ok: true, count: 2 });
    const [decision] = m.list('alice');
    expect(decision!.promptSha256).toBe(createHash('sha256').update(secretPrompt).digest('hex'));
    const raw =
      readFileSync(join(dir, 'approvals.db')).toString('latin1') +
      readFileSync(join(dir, 'approvals.db-wal')).toString('latin1');
    expect(raw).not.toContain('TOP-SECRET');
    expect(statSync(join(dir, 'approvals.db')).mode & 0o777).toBe(0o600);
  });

  it('approval_list shows a caller only its own decisions', () => {
    const { m } = manager();
    m.authorize({ owner: 'alice', provider: 'claude', prompt: 'a', options: {} }).cleanup();
    m.authorize({ owner: 'bob', provider: 'claude', prompt: 'b', options: {} }).cleanup();
    expect(m.list('alice').map((d) => d.owner)).toEqual(['alice']);
    expect(m.list('mallory')).toEqual([]);
  });

  it('detects a tampered decision', () => {
    const { m, dir } = manager();
    approvalError(() =>
      m.authorize({ owner: 'alice', provider: 'claude', prompt: 'DROP TABLE users;', options: {} }),
    );
    m.authorize({ owner: 'alice', provider: 'claude', prompt: 'fine', options: {} }).cleanup();
    m.close();
    const db = new Database(join(dir, 'approvals.db'));
    db.exec('DROP TRIGGER IF EXISTS approval_decisions_no_update');
    const triggers = db
      .prepare("SELECT name FROM sqlite_master WHERE type='trigger'")
      .pluck()
      .all() as string[];
    for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
    db.prepare(
      'UPDATE approval_decisions SET payload = replace(payload, \'"denied"\', \'"approved"\') WHERE seq = 1',
    ).run();
    db.close();
    const reopened = new ApprovalManager({
      dbPath: join(dir, 'approvals.db'),
      threshold: 'balanced',
      claudePermissionMode: 'default',
      eligibleServers: {},
    });
    cleanups.unshift(() => reopened.close());
    expect(reopened.verify()).toMatchObject({ ok: false, brokenSeq: 1 });
  });

  it('a review that suppresses read tools is denied and recorded as violated, never compliant', () => {
    const { m } = manager('permissive');
    const err = approvalError(() =>
      m.authorize({
        owner: 'alice',
        provider: 'claude',
        prompt: 'Review this PR',
        options: { disallowedTools: ['Read', 'Grep'] },
      }),
    );
    expect(err.code).toBe('APPROVAL_DENIED');
    const [d] = m.list('alice');
    expect(d!.reviewIntegrity.status).toBe('violated');
    expect(d!.reviewIntegrity.reasons).toHaveLength(2);
  });
});

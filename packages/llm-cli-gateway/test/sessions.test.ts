import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../src/sessions/store.js';
import { ALICE, BOB, testGateway } from './helpers/gateway.js';
import { tempDir } from './helpers/env.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function store() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return new SessionStore(`${t.dir}/home`);
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('session store', () => {
  it('creates, lists, activates, touches and deletes, scoped to the owner', () => {
    const s = store();
    const a = s.create(ALICE.id, 'claude', 'first');
    const b = s.create(ALICE.id, 'claude', 'second');
    expect(s.list(ALICE.id).map((x) => [x.description, x.active])).toEqual([
      ['first', false],
      ['second', true],
    ]);
    s.setActive(ALICE.id, a.id);
    expect(s.active(ALICE.id, 'claude')?.id).toBe(a.id);
    s.touch(ALICE.id, a.id, 'prov-1');
    expect(s.get(ALICE.id, a.id).providerSessionId).toBe('prov-1');
    // Another owner sees nothing and can change nothing.
    expect(s.list(BOB.id)).toEqual([]);
    expect(() => s.get(BOB.id, a.id)).toThrow(/not found/);
    expect(() => s.setActive(BOB.id, a.id)).toThrow(/not found/);
    expect(() => s.delete(BOB.id, a.id)).toThrow(/not found/);
    expect(s.clear(BOB.id)).toBe(0);
    s.delete(ALICE.id, b.id);
    expect(s.list(ALICE.id)).toHaveLength(1);
    expect(s.clear(ALICE.id, 'claude')).toBe(1);
  });

  it('writes sessions.json 0600 in a 0700 dir, atomically, with no temp files left', () => {
    const s = store();
    for (let i = 0; i < 5; i++) s.create(ALICE.id, 'codex', `s${i}`);
    expect(mode(s.file)).toBe('600');
    expect(mode(s.home)).toBe('700');
    expect(readdirSync(s.home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(s.file, 'utf8')).sessions).toHaveLength(5);
  });

  it('refuses a corrupt or content-bearing file instead of overwriting it', () => {
    const s = store();
    s.create(ALICE.id, 'claude', 'x');
    const data = JSON.parse(readFileSync(s.file, 'utf8'));
    data.sessions[0].lastPrompt = 'leaked prompt text';
    writeFileSync(s.file, JSON.stringify(data));
    expect(() => s.list(ALICE.id)).toThrow(/unexpected shape/);
    writeFileSync(s.file, '{not json');
    expect(() => s.create(ALICE.id, 'claude', 'y')).toThrow(/not valid JSON/);
  });

  it('never writes prompt or response text to sessions.json during real requests', async () => {
    const t = testGateway();
    cleanups.push(t.cleanup);
    const secretPrompt = 'PROMPT-CANARY-7f3a9 please summarise';
    const r1 = await t.gateway.service.run(ALICE, {
      provider: 'claude',
      prompt: secretPrompt,
      newSession: true,
      sessionDescription: 'review work',
      options: {},
    });
    expect(r1.ok).toBe(true);
    expect(r1.sessionId).toBeDefined();
    const r2 = await t.gateway.service.run(ALICE, {
      provider: 'claude',
      prompt: secretPrompt,
      sessionId: r1.sessionId,
      options: {},
    });
    expect(r2.ok).toBe(true);
    // The second request resumed the provider session recorded by the first.
    expect(r2.providerSessionId).toBe(r1.providerSessionId);
    const file = (t.gateway.sessions as SessionStore).file;
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('PROMPT-CANARY');
    expect(text).not.toContain(r1.reply);
    const keys = Object.keys(JSON.parse(text).sessions[0]).sort();
    expect(keys).toEqual([
      'active',
      'cli',
      'createdAt',
      'description',
      'id',
      'lastUsedAt',
      'owner',
      'providerSessionId',
    ]);
    expect(mode(file)).toBe('600');
    expect(mode(t.gateway.home)).toBe('700');
    // Bob cannot continue Alice's session.
    const r3 = await t.gateway.service.run(BOB, {
      provider: 'claude',
      prompt: 'x',
      sessionId: r1.sessionId,
      options: {},
    });
    expect(r3.error?.code).toBe('SESSION_NOT_FOUND');
    // Deleting the session removes its private working directory.
    const wd = t.gateway.sessions.workDirOf(r1.sessionId!);
    expect(existsSync(wd)).toBe(true);
    t.gateway.sessions.delete(ALICE.id, r1.sessionId!);
    expect(existsSync(wd)).toBe(false);
  });
});

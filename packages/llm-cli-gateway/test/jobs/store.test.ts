import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobError } from '../../src/jobs/errors.js';
import { canTransition, JOB_STATES, TRANSITIONS } from '../../src/jobs/states.js';
import { JobStore } from '../../src/jobs/store.js';
import { tempDir } from '../helpers/env.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function store(opts: { instanceId?: string; now?: () => number; leaseMs?: number; file?: string } = {}) {
  let file = opts.file;
  if (file === undefined) {
    const t = tempDir('gw-jobs-');
    cleanups.push(t.cleanup);
    file = join(t.dir, 'jobs.db');
  }
  const s = new JobStore(file, { leaseMs: opts.leaseMs ?? 1000, instanceId: opts.instanceId, now: opts.now });
  cleanups.unshift(() => s.close());
  return { s, file };
}

function errorOf(fn: () => unknown): JobError {
  try {
    fn();
  } catch (err) {
    if (err instanceof JobError) return err;
    throw err;
  }
  throw new Error('expected a JobError');
}

const NEW = { owner: 'alice', provider: 'claude', requestHash: 'h1' };

describe('job states', () => {
  it('terminal states have no way out and queued/running reach every terminal', () => {
    for (const t of ['completed', 'failed', 'canceled', 'orphaned'] as const) {
      expect(TRANSITIONS[t]).toEqual([]);
      expect(canTransition('running', t)).toBe(true);
    }
    expect(canTransition('running', 'queued')).toBe(false);
    expect(canTransition('completed', 'running')).toBe(false);
    expect(JOB_STATES).toHaveLength(6);
  });
});

describe('JobStore', () => {
  it('creates a private WAL database', () => {
    const { s, file } = store();
    s.create(NEW);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });

  it('walks queued -> running -> completed and refuses illegal moves', () => {
    const { s } = store();
    const job = s.create(NEW);
    expect(job.state).toBe('queued');
    expect(s.transition(job.id, 'running').startedAt).toBeDefined();
    const done = s.transition(job.id, 'completed', { correlationId: 'c-1' });
    expect(done).toMatchObject({ state: 'completed', correlationId: 'c-1' });
    expect(done.finishedAt).toBeDefined();
    expect(errorOf(() => s.transition(job.id, 'running')).code).toBe('JOB_INVALID_TRANSITION');
    expect(errorOf(() => s.transition(job.id, 'orphaned')).code).toBe('JOB_INVALID_TRANSITION');
  });

  it("answers another owner's job exactly like an unknown id", () => {
    const { s } = store();
    const job = s.create(NEW);
    s.appendOutput(job.id, 'stdout', 'secret output of alice');
    const unknown = '00000000-0000-4000-8000-000000000000';
    const foreign = errorOf(() => s.get('mallory', job.id));
    const missing = errorOf(() => s.get('mallory', unknown));
    expect(foreign.code).toBe('JOB_NOT_FOUND');
    expect(foreign.message).toBe(missing.message.replace(unknown, job.id));
    expect(errorOf(() => s.readOutput('mallory', job.id, 'stdout', 0, 100)).message).toBe(foreign.message);
    expect(errorOf(() => s.requestCancel('mallory', job.id)).message).toBe(foreign.message);
    expect(s.list('mallory')).toEqual([]);
    expect(s.get('alice', job.id).id).toBe(job.id);
  });

  it('pages output across chunk boundaries, per stream', () => {
    const { s } = store();
    const job = s.create(NEW);
    const parts = ['hello ', 'wörld ', '😀 and ', 'more'];
    parts.forEach((p) => s.appendOutput(job.id, 'stdout', p));
    s.appendOutput(job.id, 'stderr', 'warn');
    const whole = parts.join('');
    let offset = 0;
    let read = '';
    for (let i = 0; i < 20 && offset < whole.length; i++) {
      const page = s.readOutput('alice', job.id, 'stdout', offset, 4);
      expect(page.total).toBe(whole.length);
      read += page.data;
      offset = page.nextOffset;
    }
    expect(read).toBe(whole);
    expect(s.readOutput('alice', job.id, 'stdout', 7, 6).data).toBe(whole.slice(7, 13));
    expect(s.readOutput('alice', job.id, 'stdout', 999, 6)).toMatchObject({
      data: '',
      nextOffset: whole.length,
    });
    expect(s.readOutput('alice', job.id, 'stderr', 0, 100).data).toBe('warn');
  });

  it('finds duplicates of the same owner within the window only', () => {
    let now = 1_000_000;
    const { s } = store({ now: () => now });
    const job = s.create(NEW);
    expect(s.findDuplicate('alice', 'h1', 60_000)?.id).toBe(job.id);
    expect(s.findDuplicate('bob', 'h1', 60_000)).toBeUndefined();
    expect(s.findDuplicate('alice', 'h2', 60_000)).toBeUndefined();
    expect(s.findDuplicate('alice', 'h1', 0)).toBeUndefined();
    now += 61_000;
    expect(s.findDuplicate('alice', 'h1', 60_000)).toBeUndefined();
    now -= 61_000;
    s.transition(job.id, 'failed', { error: { code: 'X', message: 'x' } });
    expect(s.findDuplicate('alice', 'h1', 60_000)).toBeUndefined(); // a failed job is retried, not reused
  });

  it('orphans expired jobs of other instances only, keeping their output', () => {
    let now = 5_000_000;
    const a = store({ instanceId: 'instance-a', now: () => now, leaseMs: 1000 });
    const b = store({ instanceId: 'instance-b', now: () => now, leaseMs: 1000, file: a.file });
    const running = a.s.create(NEW);
    a.s.transition(running.id, 'running', { pid: 424242, pidStart: '1' });
    a.s.appendOutput(running.id, 'stdout', 'partial output before the crash');
    const queued = a.s.create({ ...NEW, requestHash: 'h2' });
    const done = a.s.create({ ...NEW, requestHash: 'h3' });
    a.s.transition(done.id, 'running');
    a.s.transition(done.id, 'completed');

    expect(b.s.recoverOrphans()).toEqual([]); // leases still valid
    now += 2000;
    expect(a.s.recoverOrphans()).toEqual([]); // an instance never orphans its own jobs
    const orphans = b.s.recoverOrphans();
    expect(orphans.map((o) => o.id).sort()).toEqual([running.id, queued.id].sort());
    expect(orphans.find((o) => o.id === running.id)).toMatchObject({ pid: 424242, pidStart: '1' });
    expect(b.s.get('alice', running.id)).toMatchObject({ state: 'orphaned', error: { code: 'ORPHANED' } });
    expect(b.s.get('alice', done.id).state).toBe('completed');
    expect(b.s.readOutput('alice', running.id, 'stdout', 0, 1000).data).toBe(
      'partial output before the crash',
    );
  });

  it('heartbeat keeps leases alive and reports cancellations requested elsewhere', () => {
    let now = 9_000_000;
    const a = store({ instanceId: 'instance-a', now: () => now, leaseMs: 1000 });
    const b = store({ instanceId: 'instance-b', now: () => now, leaseMs: 1000, file: a.file });
    const job = a.s.create(NEW);
    a.s.transition(job.id, 'running');
    now += 800;
    expect(a.s.heartbeat()).toEqual([]);
    now += 800;
    expect(b.s.recoverOrphans()).toEqual([]);
    b.s.requestCancel('alice', job.id);
    expect(a.s.heartbeat()).toEqual([job.id]);
    expect(a.s.ownedHere(job.id)).toBe(true);
    expect(b.s.ownedHere(job.id)).toBe(false);
  });
});

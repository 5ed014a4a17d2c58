import { describe, expect, it } from 'vitest';
import { JobError, SaturatedError } from '../../src/jobs/errors.js';
import { SlotScheduler, type Slot } from '../../src/jobs/scheduler.js';

const limits = { maxConcurrent: 2, perProvider: { claude: 1 }, maxQueue: 2, queueTimeoutMs: 60_000 };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SlotScheduler', () => {
  it('enforces the per-provider limit without blocking other providers', async () => {
    const s = new SlotScheduler(limits);
    const first = await s.acquire('claude');
    let second: Slot | undefined;
    void s.acquire('claude').then((x) => (second = x));
    const codex = await s.acquire('codex'); // not stuck behind the waiting claude request
    await tick();
    expect(second).toBeUndefined();
    expect(s.stats()).toMatchObject({ running: 2, queued: 1 });
    first.release();
    first.release(); // idempotent
    await tick();
    expect(second).toBeDefined();
    expect(s.stats().runningByProvider).toEqual({ claude: 1, codex: 1 });
    codex.release();
    second!.release();
    expect(s.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('serves waiters in FIFO order', async () => {
    const s = new SlotScheduler({ ...limits, maxConcurrent: 1, perProvider: {}, maxQueue: 5 });
    const held = await s.acquire('gemini');
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) =>
      s.acquire('gemini').then((slot) => {
        order.push(n);
        slot.release();
      }),
    );
    held.release();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it('refuses synchronously with a retryable saturated error when the queue is full', async () => {
    const s = new SlotScheduler(limits);
    await s.acquire('codex');
    await s.acquire('gemini');
    void s.acquire('codex').catch(() => undefined);
    void s.acquire('codex').catch(() => undefined);
    let thrown: unknown;
    try {
      void s.acquire('grok');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SaturatedError);
    expect(thrown).toMatchObject({ code: 'GATEWAY_SATURATED', retryable: true });
    expect(s.stats().queued).toBe(2);
  });

  it('fails a waiter after the queue timeout, and removes an aborted waiter', async () => {
    const s = new SlotScheduler({ ...limits, queueTimeoutMs: 30 });
    const held = await s.acquire('claude');
    await expect(s.acquire('claude')).rejects.toMatchObject({ code: 'QUEUE_TIMEOUT', retryable: true });
    const ac = new AbortController();
    const waiting = s.acquire('claude', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(JobError);
    expect(s.stats().queued).toBe(0);
    held.release();
    expect(s.stats().running).toBe(0);
  });
});

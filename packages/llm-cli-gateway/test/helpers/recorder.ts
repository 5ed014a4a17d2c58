import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import type { Recorder } from '../../src/recorder/api.js';
import type { CompletionRecord, StartRecord } from '../../src/recorder/recorder.js';

/**
 * One request as the gateway records it, on either store (SQLite's recorder
 * writes synchronously, PostgreSQL's asynchronously): its start under a fresh
 * correlation id, then its completion (by default: completed after 12.4 ms,
 * exit 0, 3 input tokens; `completion`, or what it returns for the id,
 * overrides any of it). Returns the id.
 */
export async function recordRequest(
  rec: Pick<Recorder, 'start' | 'complete'>,
  start: Omit<StartRecord, 'correlationId'>,
  completion: Partial<CompletionRecord> | ((correlationId: string) => Partial<CompletionRecord>) = {},
): Promise<string> {
  const correlationId = randomUUID();
  const extra = typeof completion === 'function' ? completion(correlationId) : completion;
  await rec.start({ ...start, correlationId });
  await rec.complete(correlationId, start.owner, {
    status: 'completed',
    durationMs: 12.4,
    exitCode: 0,
    usage: { inputTokens: 3 },
    ...extra,
  });
  return correlationId;
}

/** The error code a flight-recorder query failed with (QUERY_REFUSED, QUERY_TIMEOUT, ...). */
export async function queryErrorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return (err as GatewayError).code;
  }
  throw new Error('the query was not refused');
}

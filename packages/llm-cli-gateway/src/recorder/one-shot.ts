import { createLogger } from 'mcp-host';
import { errorMessage } from '../errors.js';
import type { Recorder } from './api.js';
import type { CompletionRecord, StartRecord } from './recorder.js';

const log = createLogger('llm-cli-gateway:recorder');

/**
 * A start and its completion, for an event that is over when it is recorded
 * (a refused authentication or call). With the SQLite store both rows are
 * written before this returns (and a failure throws, as before); with
 * PostgreSQL the writes run on, in order, and a failure is logged.
 */
export function recordOneShot(recorder: Recorder, start: StartRecord, completion: CompletionRecord): void {
  const finish = () => recorder.complete(start.correlationId, start.owner, completion);
  const started = recorder.start(start);
  const done = started instanceof Promise ? started.then(finish) : finish();
  if (done instanceof Promise) {
    done.catch((err: unknown) =>
      log.error('flight recorder write failed', {
        correlationId: start.correlationId,
        error: errorMessage(err),
      }),
    );
  }
}

import { createLogger } from 'mcp-host';
import { errorMessage } from '../errors.js';
import type { Recorder } from '../recorder/api.js';
import type { StartRecord } from '../recorder/recorder.js';
import type { RequestResult } from './types.js';

const log = createLogger('llm-cli-gateway:recorder');

/**
 * The flight-recorder rows of one request: the start row (written once, and
 * allowed to fail so the caller can fail closed) and the completion row
 * (whose failure is logged: the caller already holds its result). The
 * completion is written only after the start has landed, whichever store.
 */
export class RequestRecording {
  private started: Promise<void> | undefined;

  constructor(
    private readonly recorder: Recorder | null,
    private readonly startRecord: StartRecord,
  ) {}

  /** Writes the start row (once); with the SQLite store the write happens before this returns. */
  begin(): Promise<void> {
    if (this.recorder === null) return Promise.resolve();
    const recorder = this.recorder;
    this.started ??= (async () => {
      await recorder.start(this.startRecord);
    })();
    return this.started;
  }

  async finish(result: RequestResult): Promise<void> {
    const recorder = this.recorder;
    if (recorder === null) return;
    try {
      await this.begin();
      await recorder.complete(result.correlationId, this.startRecord.owner, {
        status: result.ok ? 'completed' : 'failed',
        providerSessionId: result.providerSessionId,
        durationMs: result.durationMs,
        exitCode: result.exitCode,
        response: result.ok ? result.reply : undefined,
        error: result.error?.message,
        errorCode: result.error?.code,
        usage: result.usage,
        costUsd: result.costUsd,
      });
    } catch (err) {
      log.error('flight recorder write failed', {
        correlationId: result.correlationId,
        error: errorMessage(err),
      });
    }
  }
}

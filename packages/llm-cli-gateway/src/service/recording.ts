import { createLogger } from 'mcp-host';
import { errorMessage } from '../errors.js';
import type { FlightRecorder, StartRecord } from '../recorder/recorder.js';
import type { RequestResult } from './types.js';

const log = createLogger('llm-cli-gateway:recorder');

/**
 * The flight-recorder rows of one request: the start row (written once, and
 * allowed to throw so the caller can fail closed) and the completion row
 * (whose failure is logged: the caller already holds its result).
 */
export class RequestRecording {
  private started = false;

  constructor(
    private readonly recorder: FlightRecorder | null,
    private readonly startRecord: StartRecord,
  ) {}

  begin(): void {
    if (this.started || this.recorder === null) return;
    this.started = true;
    this.recorder.start(this.startRecord);
  }

  finish(result: RequestResult): void {
    const recorder = this.recorder;
    if (recorder === null) return;
    try {
      this.begin();
      recorder.complete(result.correlationId, this.startRecord.owner, {
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

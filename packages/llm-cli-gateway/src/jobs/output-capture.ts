import { redactSecrets } from '../recorder/redact.js';
import type { JobStoreApi } from './store-api.js';
import type { OutputStream } from './store.js';

const FLUSH_EVERY_MS = 100;
const FLUSH_AT_CHARS = 32 * 1024;

/**
 * Persists a running job's output as it arrives, in small batches (at most
 * ~100 ms or 32 KiB behind), so output captured before a crash survives it.
 * Secrets are redacted before anything reaches the store. Writes are chained,
 * so chunks land in arrival order even on an asynchronous (network) store.
 */
export class OutputCapture {
  private pending: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  private pendingChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: JobStoreApi,
    private readonly jobId: string,
    private readonly secrets: readonly string[],
  ) {}

  push(stream: OutputStream, chunk: string): void {
    this.pending[stream].push(chunk);
    this.pendingChars += chunk.length;
    if (this.pendingChars >= FLUSH_AT_CHARS) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref?.();
    }
  }

  /** Queues what is pending and resolves once everything pushed so far is stored. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = { stdout: [], stderr: [] };
    this.pendingChars = 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = batch[stream].join('');
      if (text === '') continue;
      const clean = redactSecrets(text, this.secrets);
      this.writes = this.writes.then(() =>
        this.store.appendOutput(this.jobId, stream, clean).catch(() => {
          // A store hiccup loses this batch, never the job.
        }),
      );
    }
    return this.writes;
  }
}

import { redactSecrets } from '../recorder/redact.js';
import type { JobStore, OutputStream } from './store.js';

const FLUSH_EVERY_MS = 100;
const FLUSH_AT_CHARS = 32 * 1024;

/**
 * Persists a running job's output as it arrives, in small batches (at most
 * ~100 ms or 32 KiB behind), so output captured before a crash survives it.
 * Secrets are redacted before anything reaches the disk.
 */
export class OutputCapture {
  private pending: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  private pendingChars = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly jobId: string,
    private readonly secrets: readonly string[],
  ) {}

  push(stream: OutputStream, chunk: string): void {
    this.pending[stream].push(chunk);
    this.pendingChars += chunk.length;
    if (this.pendingChars >= FLUSH_AT_CHARS) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_EVERY_MS);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = { stdout: [], stderr: [] };
    this.pendingChars = 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = batch[stream].join('');
      if (text !== '') this.store.appendOutput(this.jobId, stream, redactSecrets(text, this.secrets));
    }
  }
}

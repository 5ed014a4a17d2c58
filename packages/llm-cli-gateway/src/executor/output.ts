import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';

/** Longest partial stdout line kept for the fatal-line watcher. */
const MAX_PENDING_LINE = 1_000_000;

/**
 * Collects a child's stdout and stderr under one byte cap, decodes chunks for
 * listeners without splitting multi-byte characters, and feeds complete
 * stdout lines to a watcher. Reports the first reason to stop.
 */
export class OutputCollector {
  private readonly chunks: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly decoders: Record<StreamName, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  private kept = 0;
  private pendingLine = '';
  truncated = false;

  constructor(
    private readonly capBytes: number,
    private readonly onText?: (stream: StreamName, text: string) => void,
    private readonly fatalLine?: (line: string) => string | undefined,
  ) {}

  /** Takes one chunk; returns why the run must stop, if it must. */
  take(
    stream: StreamName,
    chunk: Buffer,
  ): { reason: 'output-cap' } | { reason: 'fatal-output'; message: string } | undefined {
    const room = this.capBytes - this.kept;
    if (chunk.length > room) {
      if (room > 0) this.chunks[stream].push(chunk.subarray(0, room));
      this.kept = this.capBytes;
      this.truncated = true;
      return { reason: 'output-cap' };
    }
    this.kept += chunk.length;
    this.chunks[stream].push(chunk);
    const text = this.decoders[stream].write(chunk);
    if (text === '') return undefined;
    this.onText?.(stream, text);
    if (stream !== 'stdout' || this.fatalLine === undefined) return undefined;
    const message = this.watch(text);
    return message === undefined ? undefined : { reason: 'fatal-output', message };
  }

  private watch(text: string): string | undefined {
    this.pendingLine += text;
    let nl: number;
    while ((nl = this.pendingLine.indexOf('\n')) !== -1) {
      const line = this.pendingLine.slice(0, nl);
      this.pendingLine = this.pendingLine.slice(nl + 1);
      const fatal = this.fatalLine?.(line);
      if (fatal !== undefined) return fatal;
    }
    if (this.pendingLine.length > MAX_PENDING_LINE) this.pendingLine = '';
    return undefined;
  }

  text(stream: StreamName): string {
    return Buffer.concat(this.chunks[stream]).toString('utf8');
  }
}

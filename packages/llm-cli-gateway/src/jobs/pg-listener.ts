import type pg from 'pg';
import { pgDriver } from '../store/pg/driver.js';

export interface PgListenerOptions {
  readonly url: string;
  /** A plain identifier (it is LISTENed to unquoted). */
  readonly channel: string;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  readonly onEvent: (payload: string) => void;
  /**
   * Called once LISTEN is in place again after the connection was lost (or a
   * first attempt failed): notifications sent meanwhile were missed, so the
   * caller re-checks what they would have told it.
   */
  readonly onReconnect?: () => void;
  /** Delay between attempts: doubles from `minMs` up to `maxMs` (default 100 ms to 5 s). */
  readonly backoff?: { readonly minMs: number; readonly maxMs: number };
  /** Where connection losses and recoveries are reported (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface PgListenerStats {
  readonly connected: boolean;
  /** Connections lost after LISTEN was in place. */
  readonly losses: number;
  /** Successful connections after a loss or a failed attempt. */
  readonly reconnects: number;
}

/**
 * A dedicated connection LISTENing on one channel, reconnected with bounded
 * exponential backoff whenever it drops (server restart, a terminated
 * backend, a network blip) until `close()`. While it is down, `current` is
 * undefined and nothing is delivered; `onReconnect` then lets the owner catch
 * up on what it missed.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private losses = 0;
  private reconnects = 0;

  constructor(private readonly opts: PgListenerOptions) {}

  /** The live connection (also used for lease renewal), or undefined while reconnecting. */
  get current(): pg.Client | undefined {
    return this.client;
  }

  stats(): PgListenerStats {
    return { connected: this.client !== undefined, losses: this.losses, reconnects: this.reconnects };
  }

  /** Connects and LISTENs. Rejects if this first attempt fails; retries go on in the background. */
  start(): Promise<void> {
    return this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(again: boolean): Promise<void> {
    const client = new (pgDriver().Client)({
      connectionString: this.opts.url,
      application_name: this.opts.applicationName,
      keepAlive: true,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === this.opts.channel && n.payload !== undefined) this.opts.onEvent(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.opts.channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.retry();
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    if (again) {
      this.reconnects++;
      this.log('job notifications restored');
      this.opts.onReconnect?.();
    }
  }

  /** The live connection failed or ended: drop it and reconnect (once per connection). */
  private lost(client: pg.Client, err?: Error): void {
    if (client !== this.client) return; // a failed attempt (its own catch retries) or already handled
    this.client = undefined;
    this.losses++;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.log(
      `job notifications connection lost${err === undefined ? '' : ` (${err.message})`}; reconnecting`,
    );
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.timer !== undefined) return;
    const { minMs, maxMs } = this.opts.backoff ?? { minMs: 100, maxMs: 5000 };
    const delay = Math.min(maxMs, minMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect(true).catch(() => undefined); // connect() has scheduled the next attempt
    }, delay);
    this.timer.unref();
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`llm-cli-gateway: ${l}\n`)))(line);
  }
}

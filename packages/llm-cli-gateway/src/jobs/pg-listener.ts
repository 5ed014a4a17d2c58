import pg from 'pg';

export interface PgListenerOptions {
  readonly url: string;
  /** A plain identifier (it is LISTENed to unquoted). */
  readonly channel: string;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  readonly onEvent: (payload: string) => void;
}

/** A dedicated connection LISTENing on one channel. */
export class PgListener {
  private client: pg.Client | undefined;

  constructor(private readonly opts: PgListenerOptions) {}

  /** The live connection (also used for lease renewal). */
  get current(): pg.Client | undefined {
    return this.client;
  }

  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: this.opts.applicationName,
    });
    client.on('error', () => undefined); // reconnect is not attempted: heartbeat and polling still cover cancel/claims
    client.on('notification', (n) => {
      if (n.channel === this.opts.channel && n.payload !== undefined) this.opts.onEvent(n.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${this.opts.channel}`);
    this.client = client;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

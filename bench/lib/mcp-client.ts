/** SDK-client load helpers shared by the MCP benchmarks. */
import type { ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'bench-client', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** Ends the session on the server too (DELETE); Client.close() alone leaves it to the reaper. */
export async function disconnect(client: Client): Promise<void> {
  await (client.transport as StreamableHTTPClientTransport | undefined)?.terminateSession();
  await client.close();
}

/**
 * CPU time (user + system, µs) a server child process has used so far, asked over
 * IPC: robust to other load on a shared machine. The child answers 'cpu' messages
 * with `process.cpuUsage()`.
 */
export function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => {
      const usage = m as { user: number; system: number };
      resolve(usage.user + usage.system);
    });
    child.send('cpu');
  });
}

/** One call; resolves false when the call failed or returned an error result. */
export type Call = (client: Client) => Promise<boolean>;

/** The clients call `next()` until `calls` calls were made or `capMs` ran out. */
export async function drive(
  clients: Client[],
  calls: number,
  capMs: number,
  next: () => Call,
): Promise<{ latencies: number[]; errors: number; elapsedMs: number }> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + capMs;
  await Promise.all(
    clients.map(async (client) => {
      while (issued < calls && performance.now() < deadline) {
        issued++;
        const op = next();
        const t0 = performance.now();
        const ok = await op(client);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - start };
}

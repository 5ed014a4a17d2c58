import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiHttpError } from '../api/errors.js';

const HUMAN = /^human:[A-Za-z0-9._@-]{1,64}$/;

export interface EngineReply {
  isError: boolean;
  body: Record<string, unknown>;
}

export interface EngineGatewayOptions {
  /** Streamable HTTP endpoint of `closegate-engine mcp serve --http` (header-trust backend). */
  url: string;
  /** The engine's CLOSEGATE_SERVICE_TOKEN: proves this service; never leaves this module. */
  serviceToken: string;
  /** Header the engine reads the actor from (its CLOSEGATE_HEADER_TRUST_HEADER; default X-Actor-Id). */
  actorHeader?: string | undefined;
  /** Open MCP sessions kept (one per human); the least recently used is closed beyond it. */
  maxConnections?: number | undefined;
}

/**
 * Calls engine tools AS a logged-in human: one MCP session per human, the actor set
 * on the transport by header-trust (service token + X-Actor-Id). Only `human:` actors
 * are accepted here, so no request path can reach the engine as the agent or the engine.
 */
export class EngineGateway {
  readonly #clients = new Map<string, Promise<Client>>();
  readonly #max: number;
  constructor(private readonly opts: EngineGatewayOptions) {
    this.#max = opts.maxConnections ?? 32;
  }

  async call(actor: string, tool: string, args: Record<string, unknown>): Promise<EngineReply> {
    if (!HUMAN.test(actor)) throw new ApiHttpError('FORBIDDEN', 'only a human actor may act through /api');
    try {
      return await this.#callOnce(actor, tool, args);
    } catch {
      // The engine may have reaped an idle session: one fresh session, then give up.
      await this.#drop(actor);
      try {
        return await this.#callOnce(actor, tool, args);
      } catch (err) {
        await this.#drop(actor);
        throw new ApiHttpError(
          'ENGINE_ERROR',
          `the closegate engine did not answer: ${(err as Error).message}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.#clients.keys()];
    await Promise.all(all.map((a) => this.#drop(a)));
  }

  async #callOnce(actor: string, tool: string, args: Record<string, unknown>): Promise<EngineReply> {
    const client = await this.#client(actor);
    const raw = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const text = raw.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { error: { code: 'ENGINE_ERROR', message: text.slice(0, 500) } };
    }
    return { isError: raw.isError === true, body };
  }

  #client(actor: string): Promise<Client> {
    const existing = this.#clients.get(actor);
    if (existing !== undefined) {
      // re-insert: Map order is the LRU order
      this.#clients.delete(actor);
      this.#clients.set(actor, existing);
      return existing;
    }
    const pending = this.#connect(actor);
    this.#clients.set(actor, pending);
    pending.catch(() => this.#clients.delete(actor));
    if (this.#clients.size > this.#max) void this.#drop(this.#clients.keys().next().value!);
    return pending;
  }

  async #connect(actor: string): Promise<Client> {
    const headers = {
      authorization: `Bearer ${this.opts.serviceToken}`,
      [(this.opts.actorHeader ?? 'X-Actor-Id').toLowerCase()]: actor,
    };
    const client = new Client({ name: 'closegate-agent-service', version: '0.1.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(this.opts.url), { requestInit: { headers } }),
    );
    return client;
  }

  async #drop(actor: string): Promise<void> {
    const c = this.#clients.get(actor);
    this.#clients.delete(actor);
    if (c === undefined) return;
    try {
      await (await c).close();
    } catch {
      // already gone
    }
  }
}

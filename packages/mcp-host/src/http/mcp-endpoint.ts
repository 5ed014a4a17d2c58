import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { singleHeader } from '../auth/credentials.js';
import { authInfoFor, type Principal } from '../principal.js';
import { guardToolCalls, type OnRefusedCall } from '../tool-calls/guard.js';
import { sendRpcError, sendSessionNotFound } from './respond.js';
import type { HttpContext, Middleware } from './pipeline.js';
import { closeSession, type Session, type SessionRegistry } from './session-registry.js';

export type ServerFactory = (principal: Principal) => McpServer;

type EndpointConfig = {
  path: string;
  registry: SessionRegistry;
  factory: ServerFactory;
  jsonResponse: boolean;
  onRefusedCall?: OnRefusedCall | undefined;
};

const NO_BODY = Symbol('no body');
const BAD_JSON = Symbol('bad json');

function parseBody(ctx: HttpContext): unknown {
  if (ctx.body === undefined) return NO_BODY;
  try {
    return JSON.parse(ctx.body.toString('utf8')) as unknown;
  } catch {
    return BAD_JSON;
  }
}

/** Hands a request to a session's transport, with the request's principal as `req.auth`. */
async function dispatch(
  ctx: HttpContext,
  session: Session,
  registry: SessionRegistry,
  body: unknown,
): Promise<void> {
  registry.touch(session);
  const counts = ctx.req.method !== 'GET';
  if (counts) session.inflight++;
  ctx.res.once('close', () => {
    if (counts) session.inflight--;
    registry.touch(session);
  });
  const req = Object.assign(ctx.req, { auth: authInfoFor(ctx.principal!) });
  await session.transport.handleRequest(req, ctx.res, body === NO_BODY ? undefined : body);
}

/** Opens a session: one server + transport, bound to the principal that initialized it. */
async function openSession(ctx: HttpContext, config: EndpointConfig, body: unknown): Promise<void> {
  const slot = ctx.slot!;
  const principal = ctx.principal!;
  const server = config.factory(principal);
  guardToolCalls(server, config.onRefusedCall);
  let session: Session | undefined;
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    enableJsonResponse: config.jsonResponse,
    onsessioninitialized: (id) => {
      session = { id, principal, server, transport, lastActivity: Date.now(), inflight: 0 };
      slot.commit(session);
      ctx.logger.info('session opened', { session: id, principal: principal.id });
    },
    // DELETE from the client: the SDK only reports it, so the host closes the session.
    onsessionclosed: (id) => {
      const closing = config.registry.get(id);
      if (closing) void closeSession(config.registry, closing);
    },
  });
  transport.onclose = () => {
    if (session) config.registry.remove(session.id);
  };
  await server.connect(transport);
  try {
    const req = Object.assign(ctx.req, { auth: authInfoFor(principal) });
    await transport.handleRequest(req, ctx.res, body);
  } finally {
    if (!session) {
      slot.release();
      await server.close();
    }
  }
}

/**
 * The MCP endpoint proper, reached only after every exposure check passed. A session id
 * that is unknown OR belongs to another principal gets the same 404: no hijack, no oracle.
 */
export function mcpEndpoint(config: EndpointConfig): Middleware {
  return async (ctx) => {
    if (ctx.pathname !== config.path) return sendRpcError(ctx.res, 404, -32000, 'Not Found');
    const body = parseBody(ctx);
    if (body === BAD_JSON) return sendRpcError(ctx.res, 400, -32700, 'Parse error: Invalid JSON');
    const sessionId = singleHeader(ctx.req, 'mcp-session-id');
    if (sessionId.kind === 'duplicate')
      return sendRpcError(ctx.res, 400, -32000, 'Bad Request: one Mcp-Session-Id');
    if (sessionId.kind === 'value') {
      const session = config.registry.get(sessionId.value);
      if (!session || session.principal.id !== ctx.principal!.id) return sendSessionNotFound(ctx.res);
      return dispatch(ctx, session, config.registry, body);
    }
    if (ctx.req.method !== 'POST' || !ctx.slot) {
      return sendRpcError(ctx.res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    if (!isInitializeRequest(body)) {
      return sendRpcError(ctx.res, 400, -32000, 'Bad Request: Server not initialized');
    }
    await openSession(ctx, config, body);
  };
}

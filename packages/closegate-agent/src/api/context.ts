import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../auth/sessions.js';
import type { EngineGateway } from '../server/engine.js';
import type { DeskRunner } from './runs-port.js';
import type { Verifications } from './verifications.js';

/** What every /api handler gets: the authenticated session and the service's ports. */
export interface ApiContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session;
  /** Captured path segments of the route pattern. */
  params: string[];
  /** Parsed JSON body (POST only). */
  body: unknown;
  deps: ApiDeps;
}

export interface ApiDeps {
  engine: EngineGateway;
  runner: DeskRunner | null;
  verifications: Verifications;
  now: () => Date;
}

/** A handler returns JSON to send, or HANDLED when it wrote the response itself (CSV, SSE). */
export const HANDLED = Symbol('handled');
export type ApiHandler = (ctx: ApiContext) => Promise<unknown>;

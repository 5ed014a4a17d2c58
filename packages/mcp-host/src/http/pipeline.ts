import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../principal.js';
import type { Logger } from '../logging/logger.js';
import type { Slot } from './session-registry.js';

/** Per-request state that the checks fill in as the request moves down the pipeline. */
export type HttpContext = {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path without the query string. */
  pathname: string;
  logger: Logger;
  /** Set by the authentication check. */
  principal?: Readonly<Principal>;
  /** Set by the body-limit check for requests that carry a body. */
  body?: Buffer;
  /** Set by the session-cap check when this request may open a session; committed or released. */
  slot?: Slot;
};

export type Next = () => Promise<void>;

/** One check: answer the request itself (and not call next) or pass it on. */
export type Middleware = (ctx: HttpContext, next: Next) => Promise<void>;

/** Runs middleware in order; each decides whether the rest of the chain runs. */
export function compose(middleware: readonly Middleware[]): (ctx: HttpContext) => Promise<void> {
  return (ctx) => {
    const run = (index: number): Promise<void> => {
      const current = middleware[index];
      return current ? current(ctx, () => run(index + 1)) : Promise.resolve();
    };
    return run(0);
  };
}

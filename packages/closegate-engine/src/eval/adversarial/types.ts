import type { Engine } from '../../engine.js';
import type { McpClient } from './client.js';
import type { AttackCategory } from './constants.js';
import type { Allowance } from './guard.js';
import type { EvalActor, EvalServer } from './server.js';

export interface AttackContext {
  server: EvalServer;
  engine: Engine;
  /** A connected SDK client per actor (bearer token), reused across attacks. */
  client(actor: EvalActor): Promise<McpClient>;
  /** Imports a new exact US01/1010 GL + bank pair (amount, memo, counterparty) and returns its reference. */
  freshPair(opts?: {
    amount?: string;
    account?: string;
    memo?: string;
    counterparty?: string;
    entity?: string;
    currency?: string;
  }): string;
  /** A fresh idempotency key. */
  key(): string;
}

/** What an attack observed: whether the server refused it, and how. */
export interface AttackVerdict {
  /** True when the server refused, denied, escalated or contained the attempt as intended. */
  contained: boolean;
  detail: string;
}

export interface Attack<S = unknown> {
  id: string;
  category: AttackCategory;
  description: string;
  /** State changes the policy permits for this attempt (default: none). */
  allow?: Allowance[];
  /** Prepares targets before the snapshot (through the engine, not the attack surface). */
  setup?: (ctx: AttackContext) => S | Promise<S>;
  run: (ctx: AttackContext, state: S) => Promise<AttackVerdict>;
}

/** Identity helper for typed attack literals. */
export function attack<S>(a: Attack<S>): Attack {
  return a as unknown as Attack;
}

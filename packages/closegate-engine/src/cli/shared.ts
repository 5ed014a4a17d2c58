import os from 'node:os';
import path from 'node:path';
import { checkCliIdentity, parseActor, type Policy } from 'closegate-policy';
import { resolveDbPath } from '../config.js';
import { openEngine, type Engine, type OpenEngineOptions } from '../engine.js';
import type { DecisionJson } from '../operations/context.js';
import { UsageError, type CliIo } from './io.js';
import { existingDbPathOf, policyPathOf, withPolicyNamed } from './settings.js';

export function dbPathOf(flag: string | undefined, io: CliIo): string {
  return path.resolve(io.cwd, resolveDbPath(flag, io.env));
}

/**
 * Opens the engine on an existing database (never creates one by accident). A
 * missing database or policy file is reported under the setting that named it.
 */
export function openExisting(
  flag: string | undefined,
  policyFlag: string | undefined,
  io: CliIo,
  _help: string,
  extra: Pick<OpenEngineOptions, 'backgroundCheckpoints'> = {},
): Engine {
  const dbPath = existingDbPathOf(flag, io);
  const policyPath = policyPathOf(policyFlag, io);
  return withPolicyNamed(policyFlag, io, () => openEngine({ dbPath, policyPath, env: io.env, ...extra }));
}

/** CLOSEGATE_ACTOR_ID, which must be a human for approvals. */
export function humanActor(io: CliIo, help: string): string {
  const raw = io.env.CLOSEGATE_ACTOR_ID;
  if (raw === undefined || raw === '')
    throw new UsageError('set CLOSEGATE_ACTOR_ID=human:<your-id> to act on escalations', help);
  let actor;
  try {
    actor = parseActor(raw);
  } catch (err) {
    throw new UsageError(`CLOSEGATE_ACTOR_ID: ${(err as Error).message}`, help);
  }
  if (actor.kind !== 'human') throw new UsageError(`CLOSEGATE_ACTOR_ID must be human:<id>, got ${raw}`, help);
  return actor.raw;
}

export interface CliOrigin {
  osUser: string;
  host: string;
}

/**
 * Who is at the keyboard, as far as this machine knows: the OS account running the
 * CLI and the host name. The CLI trusts the local OS account; it authenticates nobody.
 */
export function cliOrigin(io: CliIo): CliOrigin {
  if (io.osIdentity) return io.osIdentity();
  return { osUser: os.userInfo().username, host: os.hostname() };
}

/**
 * The policy's cli_identity rule: with require_os_user_match, a human
 * CLOSEGATE_ACTOR_ID must be the one mapped to the OS user running the command.
 */
export function assertCliIdentity(policy: Policy, actor: string, origin: CliOrigin, help: string): void {
  const check = checkCliIdentity(policy, actor, origin.osUser);
  if (!check.ok)
    throw new UsageError(`CLOSEGATE_ACTOR_ID refused by policy cli_identity: ${check.reason}`, help);
}

export function describeDecision(d: DecisionJson): string {
  if (d.outcome === 'allow') return `allow (${d.tier})`;
  return `${d.outcome} ${d.code} (${d.tier}) -- "${d.clauseText}" [${d.clausePointer}]`;
}

/** Closes the engine whatever happens in `fn`. */
export async function withEngine<T>(engine: Engine, fn: (e: Engine) => T | Promise<T>): Promise<T> {
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

/**
 * Rows of cells as aligned text lines: each column as wide as its widest
 * cell, numbers (ids, amounts) right-aligned where `right[i]` is set, two
 * spaces between columns, no trailing spaces.
 */
export function alignedRows(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

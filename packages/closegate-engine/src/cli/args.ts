import { parseArgs, type ParseArgsConfig } from 'node:util';
import { argsErrorMessage, UsageError } from 'mcp-host';

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies Options;

export const DB_OPTION = { db: { type: 'string' } } as const satisfies Options;

/** node:util parseArgs, strict; unknown flags and stray positionals become a UsageError (short message, help kept for the hint). */
export interface Parsed {
  /** String options by name; --help and --json as booleans. */
  values: Record<string, string | undefined> & { help?: boolean; json?: boolean };
  positionals: string[];
}

export function parse(argv: string[], options: Options, help: string, maxPositionals = 0): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(argsErrorMessage(err), help);
  }
  if (parsed.positionals.length > maxPositionals && (parsed.values as { help?: boolean }).help !== true) {
    throw new UsageError(`unexpected argument: ${parsed.positionals[maxPositionals]}`, help);
  }
  return parsed as Parsed;
}

/** A positive integer id from a positional argument. */
export function parseId(value: string | undefined, what: string, help: string): number {
  if (value === undefined || !/^[1-9]\d{0,15}$/.test(value))
    throw new UsageError(`${what} must be a positive integer`, help);
  return Number(value);
}

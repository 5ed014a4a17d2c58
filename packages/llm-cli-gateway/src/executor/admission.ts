import { AdmissionError } from '../errors.js';
import type { CommandSpec, FlagSpec, ProviderContract } from '../providers/contract.js';

/** Linux refuses a single argv element over 128 KiB (MAX_ARG_STRLEN); stay under it. */
export const MAX_ARG_BYTES = 120 * 1024;
export const MAX_ARGV_BYTES = 512 * 1024;
export const MAX_STDIN_BYTES = 8 * 1024 * 1024;

export function assertNoNul(what: string, value: string): void {
  if (value.includes('\0')) throw new AdmissionError(`${what} contains a NUL byte; refused`);
}

function matchCommand(contract: ProviderContract, args: readonly string[]): CommandSpec {
  // Longest subcommand path first, so `exec resume` wins over `exec`.
  const byLength = [...contract.commands].sort((a, b) => b.path.length - a.path.length);
  const found = byLength.find((c) => c.path.every((tok, i) => args[i] === tok));
  if (found === undefined)
    throw new AdmissionError(`${contract.id}: argv does not match any allowed command`);
  return found;
}

function checkValue(contract: ProviderContract, flag: string, spec: FlagSpec, value: string): void {
  if (spec.values !== undefined && !spec.values.includes(value)) {
    throw new AdmissionError(`${contract.id}: value for ${flag} is not allowed`);
  }
  if (spec.valuePattern !== undefined && !spec.valuePattern.test(value)) {
    throw new AdmissionError(`${contract.id}: value for ${flag} has an unsafe shape`);
  }
}

/**
 * Admits argv against the provider's contract before anything is spawned:
 * subcommands and flags must be declared, values must fit their constraints,
 * a separate-token value may not look like a flag, and everything after `--`
 * is one positional. Throws `AdmissionError` on the first violation.
 */
export function admitArgs(contract: ProviderContract, args: readonly string[]): void {
  let total = 0;
  for (const a of args) {
    assertNoNul('argument', a);
    const size = Buffer.byteLength(a, 'utf8');
    if (size > MAX_ARG_BYTES) throw new AdmissionError(`argument of ${size} bytes exceeds ${MAX_ARG_BYTES}`);
    total += size;
  }
  if (total > MAX_ARGV_BYTES) throw new AdmissionError(`argv of ${total} bytes exceeds ${MAX_ARGV_BYTES}`);

  const command = matchCommand(contract, args);
  let positionals = 0;
  for (let i = command.path.length; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      positionals += args.length - i - 1;
      break;
    }
    if (token.startsWith('-') && token !== '-') {
      const eq = token.startsWith('--') ? token.indexOf('=') : -1;
      const name = eq === -1 ? token : token.slice(0, eq);
      const spec = command.flags[name];
      if (spec === undefined)
        throw new AdmissionError(`${contract.id}: flag ${name} is not in the provider contract`);
      if (!spec.takesValue) {
        if (eq !== -1) throw new AdmissionError(`${contract.id}: flag ${name} takes no value`);
        continue;
      }
      let value: string;
      if (eq !== -1) value = token.slice(eq + 1);
      else {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('-')) {
          throw new AdmissionError(`${contract.id}: flag ${name} needs a value that does not start with '-'`);
        }
        value = next;
        i++;
      }
      checkValue(contract, name, spec, value);
      continue;
    }
    positionals++;
  }
  if (positionals > command.maxPositionals) {
    throw new AdmissionError(
      `${contract.id}: ${positionals} positional arguments, at most ${command.maxPositionals} allowed`,
    );
  }
}

export function admitStdin(stdin: string): void {
  assertNoNul('stdin', stdin);
  const size = Buffer.byteLength(stdin, 'utf8');
  if (size > MAX_STDIN_BYTES) throw new AdmissionError(`stdin of ${size} bytes exceeds ${MAX_STDIN_BYTES}`);
}

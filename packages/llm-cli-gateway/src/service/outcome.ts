import type { ExecutionOutcome } from '../executor/execute.js';
import type { ParsedOutput } from '../providers/contract.js';
import { stderrTail } from '../providers/parse-util.js';
import type { RequestResult } from './types.js';

type ErrorInfo = NonNullable<RequestResult['error']>;

/**
 * Decides what a finished run means. Failures are never silent: a stop
 * (timeout, cap, cancel), the provider's own error, a non-zero exit or an
 * empty reply all become an error carrying the provider's message and stderr.
 */
export function classifyOutcome(
  exec: ExecutionOutcome,
  parsed: ParsedOutput,
  cli: string,
): ErrorInfo | undefined {
  const stderr = stderrTail(exec.stderr, 4000) || undefined;
  const providerSaid = parsed.error !== undefined ? `: ${parsed.error}` : '';
  switch (exec.stopped) {
    case 'total-timeout':
      return {
        code: 'TIMEOUT',
        message: `${cli} did not finish within the total timeout; process group killed${providerSaid}`,
        stderr,
      };
    case 'idle-timeout':
      return {
        code: 'IDLE_TIMEOUT',
        message: `${cli} produced no output within the idle timeout; process group killed${providerSaid}`,
        stderr,
      };
    case 'output-cap':
      return { code: 'OUTPUT_CAP', message: `${cli} exceeded the output cap; process group killed`, stderr };
    case 'canceled':
      return { code: 'CANCELED', message: `${cli} request canceled; process group killed`, stderr };
    case 'fatal-output':
      return { code: 'PROVIDER_ERROR', message: exec.stopMessage ?? `${cli} failed`, stderr };
    default:
      break;
  }
  if (parsed.error !== undefined) return { code: 'PROVIDER_ERROR', message: parsed.error, stderr };
  if (exec.exitCode !== 0) {
    const how =
      exec.exitCode === null
        ? `was killed by ${exec.signal ?? 'a signal'}`
        : `exited with code ${exec.exitCode}`;
    return { code: 'NONZERO_EXIT', message: `${cli} ${how}${stderr ? `: ${stderr}` : ''}`, stderr };
  }
  if (parsed.reply.trim() === '')
    return { code: 'EMPTY_REPLY', message: `${cli} returned an empty reply`, stderr };
  return undefined;
}

import { describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../src/executor/execute.js';
import { classifyOutcome } from '../src/service/outcome.js';

function exec(over: Partial<ExecutionOutcome>): ExecutionOutcome {
  return {
    pid: 1,
    exitCode: 0,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 5,
    truncated: false,
    binaryPath: '/bin/x',
    cwd: '/tmp',
    ...over,
  };
}

describe('outcome classification: failures are never silent', () => {
  it('a clean exit with a reply is a success', () => {
    expect(classifyOutcome(exec({}), { reply: 'hi' }, 'claude')).toBeUndefined();
  });

  it('a non-zero exit without a provider message carries the exit code and stderr', () => {
    const e = classifyOutcome(exec({ exitCode: 2, stderr: 'boom\n' }), { reply: 'partial' }, 'codex');
    expect(e).toEqual({ code: 'NONZERO_EXIT', message: 'codex exited with code 2: boom', stderr: 'boom' });
  });

  it('death by signal is reported', () => {
    const e = classifyOutcome(exec({ exitCode: null, signal: 'SIGSEGV' }), { reply: '' }, 'grok');
    expect(e?.message).toBe('grok was killed by SIGSEGV');
  });

  it('an empty reply from a clean exit is an error, not an empty success', () => {
    expect(classifyOutcome(exec({}), { reply: '  ' }, 'gemini')?.code).toBe('EMPTY_REPLY');
  });

  it.each([
    ['total-timeout', 'TIMEOUT'],
    ['idle-timeout', 'IDLE_TIMEOUT'],
    ['output-cap', 'OUTPUT_CAP'],
    ['canceled', 'CANCELED'],
    ['fatal-output', 'PROVIDER_ERROR'],
  ] as const)('a %s stop is %s even if the reply looked fine', (stopped, code) => {
    expect(classifyOutcome(exec({ stopped, stopMessage: 'why' }), { reply: 'ok' }, 'claude')?.code).toBe(
      code,
    );
  });
});

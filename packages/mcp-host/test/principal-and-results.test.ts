import { describe, expect, it } from 'vitest';
import {
  authInfoFor,
  createLogger,
  errorToolResult,
  jsonToolResult,
  makePrincipal,
  PrincipalMissingError,
  principalFrom,
} from '../src/index.js';

describe('principalFrom', () => {
  it('reads the principal bound by the transport', () => {
    const principal = makePrincipal({ id: 'human:alice', transport: 'http', attributes: { auth: 'bearer' } });
    expect(principalFrom({ authInfo: authInfoFor(principal) })).toEqual(principal);
  });

  it('throws PRINCIPAL_MISSING without authInfo or with a foreign-shaped one', () => {
    const cases = [
      undefined,
      {},
      { authInfo: { token: 't', clientId: 'human:alice', scopes: [] } },
      {
        authInfo: {
          token: 't',
          clientId: 'x',
          scopes: [],
          extra: { principal: { id: '', transport: 'http' } },
        },
      },
      {
        authInfo: {
          token: 't',
          clientId: 'x',
          scopes: [],
          extra: { principal: { id: 'a', transport: 'smtp' } },
        },
      },
    ];
    for (const extra of cases) {
      expect(() => principalFrom(extra as never)).toThrow(PrincipalMissingError);
    }
    try {
      principalFrom(undefined);
    } catch (error) {
      expect((error as PrincipalMissingError).code).toBe('PRINCIPAL_MISSING');
    }
  });

  it('never puts the credential in AuthInfo, and the principal is frozen', () => {
    const principal = makePrincipal({ id: 'llm:x', transport: 'stdio' });
    const info = authInfoFor(principal);
    expect(info.token).toBe('redacted');
    expect(Object.isFrozen(principalFrom({ authInfo: info }))).toBe(true);
  });
});

describe('tool result helpers', () => {
  it('jsonToolResult carries JSON text and structured content for objects', () => {
    expect(jsonToolResult({ a: '1.00' })).toEqual({
      content: [{ type: 'text', text: '{"a":"1.00"}' }],
      structuredContent: { a: '1.00' },
    });
    expect(jsonToolResult([1, 2])).toEqual({ content: [{ type: 'text', text: '[1,2]' }] });
    expect(jsonToolResult(undefined)).toEqual({ content: [{ type: 'text', text: 'null' }] });
  });

  it('errorToolResult is a tool-level error with code, message and details', () => {
    const result = errorToolResult('GATE_DENY', 'denied by clause', { clause: 'sod.1' });
    expect(result.isError).toBe(true);
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual({
      error: { code: 'GATE_DENY', message: 'denied by clause', details: { clause: 'sod.1' } },
    });
  });
});

describe('createLogger', () => {
  it('filters by level and writes text or JSON lines to its sink', () => {
    const lines: string[] = [];
    const log = createLogger('pkg', { level: 'warn', write: (l) => void lines.push(l) });
    log.info('hidden');
    log.warn('shown', { k: 1 });
    log.child('sub').error('child line');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/WARN \[pkg\] shown \{"k":1\}\n$/);
    expect(lines[1]).toContain('[pkg:sub] child line');
    const json: string[] = [];
    createLogger('pkg', { format: 'json', level: 'debug', write: (l) => void json.push(l) }).debug('d', {
      x: 'y',
    });
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 'debug', name: 'pkg', msg: 'd', x: 'y' });
  });

  it('writes to stderr by default, never stdout', () => {
    const out: unknown[] = [];
    const err: unknown[] = [];
    const origOut = process.stdout.write;
    const origErr = process.stderr.write;
    process.stdout.write = ((c: unknown) => out.push(c) > 0) as typeof process.stdout.write;
    process.stderr.write = ((c: unknown) => err.push(c) > 0) as typeof process.stderr.write;
    try {
      createLogger('pkg', { level: 'debug' }).info('to stderr');
    } finally {
      process.stdout.write = origOut;
      process.stderr.write = origErr;
    }
    expect(out).toHaveLength(0);
    expect(String(err[0])).toContain('to stderr');
  });
});

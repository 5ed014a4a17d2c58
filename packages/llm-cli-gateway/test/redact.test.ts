import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/recorder/redact.js';

describe('secret redaction', () => {
  it.each([
    ['sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'anthropic-key'],
    ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789', 'openai-key'],
    ['sk-AbCdEfGhIjKlMnOpQrStUvWx', 'openai-key'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'google-api-key'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github-token'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github-token'],
    ['xai-AbCdEfGhIjKlMnOpQrStUv012345', 'xai-key'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
    ['xoxb-123456789012-abcdefghijkl', 'slack-token'],
  ])('redacts %s', (secret, kind) => {
    const out = redactSecrets(`use ${secret} now`);
    expect(out).not.toContain(secret);
    expect(out).toContain(`[REDACTED:${kind}]`);
  });

  it('redacts bearer tokens, key assignments and private keys', () => {
    const text = [
      'Authorization: Bearer abc.def-ghi_jkl123456',
      'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'password: "hunter2hunter2"',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactSecrets(text);
    expect(out).not.toContain('abc.def-ghi_jkl123456');
    expect(out).not.toContain('wJalrXUtnFEMI');
    expect(out).not.toContain('hunter2hunter2');
    expect(out).not.toContain('MIIEowIBAAKCAQEA');
    expect(out).toContain('Bearer [REDACTED:token]');
  });

  it('redacts exact credential values whatever their shape, and leaves plain text alone', () => {
    expect(redactSecrets('token is plainvalue123', ['plainvalue123'])).toBe('token is [REDACTED:credential]');
    const plain = 'Refactor the parser; keep skip-list semantics; task-42 done.';
    expect(redactSecrets(plain)).toBe(plain);
  });
});

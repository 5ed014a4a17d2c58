import { describe, expect, it } from 'vitest';
import { mayNeedRedaction, redactSecrets } from '../src/recorder/redact.js';
import { RedactionPolicy } from '../src/redaction/policy.js';

const SAMPLES = [
  'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789',
  'AIzaSyA1234567890abcdefghijklmnopqrstuv',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  'xai-AbCdEfGhIjKlMnOpQrStUv012345',
  'AKIAIOSFODNN7EXAMPLE',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'xoxb-123456789012-abcdefghijkl',
  'Bearer abc.def-ghi_jkl123456',
  'api_key=abcdefgh12345',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA',
  'plainvalue123',
];

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

  it('mayNeedRedaction finds every secret a string holds, also with other strings joined to it by newlines', () => {
    for (const secret of SAMPLES) {
      for (const s of [secret, `x ${secret}`, `${secret}.`, `(${secret})`]) {
        expect(redactSecrets(s, ['plainvalue123'])).not.toBe(s);
        for (const joined of [s, `a\n${s}`, `${s}\nb`, `word\n${s}\nword`])
          expect(mayNeedRedaction(joined, ['plainvalue123']), joined).toBe(true);
      }
    }
    expect(mayNeedRedaction('Refactor the parser; keep skip-list semantics\ntask-42 done.')).toBe(false);
    expect(mayNeedRedaction('short', ['short'])).toBe(false); // literals under 8 characters are not matched
  });

  it('a tool result with nothing to redact leaves as it was; a secret anywhere in it is redacted', () => {
    const policy = new RedactionPolicy({ ANTHROPIC_API_KEY: 'plainvalue123' });
    const clean = {
      ok: true,
      reply: 'hello',
      usage: { inputTokens: 3 },
      list: ['a', null, 1.5],
      gone: undefined,
    };
    const text = JSON.stringify(clean);
    const out = policy.redactToolResult({ content: [{ type: 'text', text }], structuredContent: clean });
    expect(out.content[0]).toEqual({ type: 'text', text });
    expect(out.structuredContent).toBe(clean);
    for (const secret of SAMPLES) {
      for (const value of [
        { reply: secret },
        { [secret]: 1 },
        { nested: { list: ['x', `say ${secret}`] } },
      ]) {
        const r = policy.redactToolResult({
          content: [{ type: 'text', text: JSON.stringify(value) }],
          structuredContent: value,
        });
        const item = r.content[0] as { text: string };
        const leaked = secret.includes('\n') ? secret.slice(-16) : secret.slice(-10);
        expect(item.text).not.toContain(leaked);
        expect(JSON.stringify(r.structuredContent)).not.toContain(leaked);
        expect(r.structuredContent).not.toBe(value);
      }
    }
    // Clean structured content vouches only for a text that is exactly its serialisation.
    const leaky = policy.redactToolResult({
      content: [{ type: 'text', text: JSON.stringify({ ...clean, reply: 'key plainvalue123' }) }],
      structuredContent: clean,
    });
    expect((leaky.content[0] as { text: string }).text).not.toContain('plainvalue123');
    expect(leaky.structuredContent).toBe(clean);
    const pretty = JSON.stringify(clean, null, 2);
    const reserialised = policy.redactToolResult({
      content: [{ type: 'text', text: pretty }],
      structuredContent: clean,
    });
    expect(reserialised.content[0]).toEqual({ type: 'text', text });
    // Not plain JSON data: the value-by-value pass runs, as before.
    const dated = { at: new Date(0) };
    expect(policy.redactToolResult({ content: [], structuredContent: dated }).structuredContent).toEqual({
      at: {},
    });
  });

  it('the secret list follows the environment: values set, changed or allow-listed later are covered', () => {
    const env: NodeJS.ProcessEnv = { ANTHROPIC_API_KEY: 'first-value-123' };
    const policy = new RedactionPolicy(env, {
      mcpServers: { ops: { env: { OPS_TOKEN: 'mcp-server-value-1' } } },
    } as never);
    const first = policy.values();
    expect(first).toEqual(['mcp-server-value-1', 'first-value-123']);
    expect(policy.values()).toBe(first); // nothing changed: the same list
    env.OPENAI_API_KEY = 'a-much-longer-openai-value-456';
    expect(policy.values()).toEqual([
      'a-much-longer-openai-value-456',
      'mcp-server-value-1',
      'first-value-123',
    ]);
    env.ANTHROPIC_API_KEY = 'changed-value-789';
    expect(policy.redact('x changed-value-789 first-value-123')).toBe(
      'x [REDACTED:credential] first-value-123',
    );
    delete env.OPENAI_API_KEY;
    env.OPS_DB_PASSWORD = 'operator-secret-42';
    expect(policy.values()).not.toContain('operator-secret-42'); // not allow-listed
    env.LLM_GATEWAY_ENV_ALLOW = 'OPS_DB_PASSWORD';
    expect(policy.values()).toContain('operator-secret-42');
    env.LLM_GATEWAY_ENV_ALLOW_UNSAFE = 'LD_SECRET';
    env.LD_SECRET = 'unsafe-allowed-value';
    expect(policy.values()).toContain('unsafe-allowed-value');
    expect(Object.isFrozen(policy.values())).toBe(true);
  });
});

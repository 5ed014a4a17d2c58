import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { fakeEnv, tempDir } from '../helpers/env.js';
import { connectGateway } from '../helpers/mcp-client.js';
import { call, FAKE_ALLOW } from './helpers.js';

/**
 * Weakness: cloud credentials reached every CLI that listed them, and the
 * operator allow-list could pass interpreter/loader injection variables.
 * Through the shipped stdio server (SDK client), the fake CLI echoes its env.
 */
const INJECTION = {
  PERLLIB: '/tmp/evil-perl',
  PERL5LIB: '/tmp/evil-perl5',
  RUBYLIB: '/tmp/evil-ruby',
  RUBYOPT: '-revil',
  PYTHONHOME: '/tmp/evil-python',
  PYTHONPATH: '/tmp/evil-pythonpath',
  PYTHONSTARTUP: '/tmp/evil-startup.py',
  JAVA_TOOL_OPTIONS: '-javaagent:/tmp/evil.jar',
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'core.sshCommand',
  GIT_CONFIG_VALUE_0: 'touch /tmp/pwned',
  GIT_CONFIG_GLOBAL: '/tmp/evil-gitconfig',
  LD_LIBRARY_PATH: '/tmp/evil-lib',
  DYLD_INSERT_LIBRARIES: '/tmp/evil.dylib',
  BASH_ENV: '/tmp/evil-bashrc',
};
const CLOUD = {
  AWS_ACCESS_KEY_ID: 'AKIAABCDEFGHIJKLMNOP',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-value-0123456789',
  AWS_REGION: 'eu-west-1',
  GOOGLE_APPLICATION_CREDENTIALS: '/home/op/gcp-sa.json',
};
const tmp = tempDir('gw-env-');
const clients: Client[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  tmp.cleanup();
});

async function childEnv(toml: string, extra: Record<string, string>): Promise<Record<string, string>> {
  const home = join(tmp.dir, `h${clients.length}`);
  const cfg = join(tmp.dir, `config${clients.length}.toml`);
  writeFileSync(cfg, toml, { mode: 0o600 });
  const names = [...Object.keys(INJECTION), ...Object.keys(CLOUD)].join(',');
  const env = fakeEnv(home, {
    ...INJECTION,
    ...CLOUD,
    FAKE_CLI_MODE: 'echo-env',
    LLM_GATEWAY_CONFIG: cfg,
    LLM_GATEWAY_ENV_ALLOW: `${FAKE_ALLOW},${names}`,
    ...extra,
  });
  const client = await connectGateway(env);
  clients.push(client);
  const r = await call(client, 'claude_request', { prompt: 'env' });
  expect(r.code).toBe('OK');
  return JSON.parse(String(r.body!.reply)) as Record<string, string>;
}

describe('child environment', () => {
  it('never passes injection variables or cloud credentials, even when the operator allow-lists them', async () => {
    const env = await childEnv('', {});
    for (const name of [...Object.keys(INJECTION), ...Object.keys(CLOUD)])
      expect(env[name], name).toBeUndefined();
    // Allow-listed names still pass (their values are redacted in what leaves: see redaction.test.ts).
    expect(env.FAKE_CLI_MODE).toBeDefined();
  }, 60_000);

  it('passes a cloud backend only to the provider whose config enables it, and an injection name only when flagged unsafe', async () => {
    const env = await childEnv('[providers.claude]\ncloud = ["bedrock"]\n', {
      LLM_GATEWAY_ENV_ALLOW_UNSAFE: 'PERLLIB',
    });
    expect(env.AWS_REGION).toBeDefined();
    expect(env.AWS_ACCESS_KEY_ID).toBeDefined();
    expect(env.GOOGLE_APPLICATION_CREDENTIALS).toBeUndefined();
    expect(env.PERLLIB).toBeDefined();
    expect(env.RUBYLIB).toBeUndefined();
  }, 60_000);
});

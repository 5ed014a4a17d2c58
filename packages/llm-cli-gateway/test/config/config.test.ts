import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { ENV_TOKEN_PRINCIPAL, loadConfig, parseConfigText } from '../../src/config/file.js';
import { tempDir } from '../helpers/env.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function home(toml?: string): NodeJS.ProcessEnv {
  const t = tempDir('gw-config-');
  cleanups.push(t.cleanup);
  if (toml !== undefined) writeFileSync(join(t.dir, 'config.toml'), toml);
  return { LLM_GATEWAY_HOME: t.dir };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config.toml', () => {
  it('uses safe defaults when the file is missing', () => {
    const env = home();
    const cfg = loadConfig(env);
    expect(cfg.file.exists).toBe(false);
    expect(cfg.transport).toBe('stdio');
    expect(cfg.http.host).toBe('127.0.0.1');
    expect(cfg.http.principals).toEqual([]);
    expect(cfg.persistence.backend).toBe('sqlite');
    expect(cfg.persistence.path).toBe(join(env.LLM_GATEWAY_HOME!, 'jobs.db'));
    expect(cfg.approval).toEqual({
      strategy: 'legacy',
      threshold: 'balanced',
      claudePermissionMode: 'default',
    });
    expect(cfg.limits.maxConcurrent).toBeGreaterThan(0);
  });

  it('parses every section', () => {
    const env = home(`
[persistence]
backend = "sqlite"
path = "data/jobs.sqlite"

[http]
host = "127.0.0.1"
port = 9999
public_url = "https://gw.example.test"
max_body_bytes = 2048
max_sessions = 3
idle_session_seconds = 10
allowed_hosts = ["gw.example.test"]
allowed_origins = ["https://gw.example.test"]

[[http.principals]]
name = "alice"
token_sha256 = "${sha('alice-token-0123456789')}"

[[http.principals]]
name = "bob"
token_sha256 = "${sha('bob-token-0123456789')}"

[limits]
max_concurrent = 2
per_provider = { claude = 1 }
max_queue = 5
queue_timeout_seconds = 7
sync_deadline_seconds = 0
dedup_window_seconds = 60
job_lease_seconds = 2

[approval]
strategy = "mcp_managed"
threshold = "strict"
claude_permission_mode = "plan"

[mcp_servers.files]
command = "/usr/bin/mcp-files"
args = ["--root", "/srv"]
env = { LOG_LEVEL = "warn" }
`);
    const cfg = loadConfig(env);
    expect(cfg.persistence.path).toBe(join(env.LLM_GATEWAY_HOME!, 'data/jobs.sqlite'));
    expect(cfg.http).toMatchObject({ port: 9999, maxBodyBytes: 2048, maxSessions: 3, idleSessionMs: 10_000 });
    expect(cfg.http.principals.map((p) => p.name)).toEqual(['alice', 'bob']);
    expect(cfg.limits).toMatchObject({
      maxConcurrent: 2,
      perProvider: { claude: 1 },
      maxQueue: 5,
      queueTimeoutMs: 7000,
      syncDeadlineMs: 0,
      jobLeaseMs: 2000,
    });
    expect(cfg.approval).toEqual({
      strategy: 'mcp_managed',
      threshold: 'strict',
      claudePermissionMode: 'plan',
    });
    expect(cfg.mcpServers.files).toEqual({
      command: '/usr/bin/mcp-files',
      args: ['--root', '/srv'],
      env: { LOG_LEVEL: 'warn' },
    });
  });

  it.each([
    ['[limits]\nmax_concurent = 3', 'limits.max_concurent'],
    ['[htp]\nport = 1', 'htp'],
    ['[persistence]\nbackend = "postgres"', 'persistence.backend'],
    ['[http]\nport = 70000', 'http.port'],
    ['[limits]\nmax_concurrent = 0', 'limits.max_concurrent'],
    ['[limits]\nper_provider = { cursor = 2 }', 'limits.per_provider'],
    ['[approval]\nclaude_permission_mode = "bypassPermissions"', 'approval.claude_permission_mode'],
    ['[[http.principals]]\nname = "a"\ntoken = "plaintext-token"', 'http.principals[0].token'],
    ['[[http.principals]]\nname = "a"\ntoken_sha256 = "plaintext-token"', 'http.principals[0].token_sha256'],
    ['[mcp_servers."bad name"]\ncommand = "x"', 'mcp_servers'],
    ['[mcp_servers.ok]\ncommand = "x"\nshell = true', 'mcp_servers.ok.shell'],
    ['[http\nport = 1', '(syntax'],
  ])('rejects %j naming %s', (toml, key) => {
    const err = configError(() => loadConfig(home(toml)));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.keyPath.startsWith(key)).toBe(true);
    expect(err.message).toContain(key);
  });

  it('rejects two principals sharing one token', () => {
    const h = sha('same-token-0123456789');
    const err = configError(() =>
      parseConfigText(
        `[[http.principals]]\nname="a"\ntoken_sha256="${h}"\n[[http.principals]]\nname="b"\ntoken_sha256="${h}"`,
      ),
    );
    expect(err.keyPath).toBe('http.principals[1].token_sha256');
  });

  it('applies environment overrides and keeps only the token hash', () => {
    const env = {
      ...home(),
      LLM_GATEWAY_TRANSPORT: 'http',
      LLM_GATEWAY_HTTP_HOST: '0.0.0.0',
      LLM_GATEWAY_HTTP_PORT: '8123',
      LLM_GATEWAY_AUTH_TOKEN: 'env-secret-token-0123456789',
      LLM_GATEWAY_PUBLIC_URL: 'https://public.example.test',
    };
    const cfg = loadConfig(env);
    expect(cfg.transport).toBe('http');
    expect(cfg.http).toMatchObject({ host: '0.0.0.0', port: 8123, publicUrl: 'https://public.example.test' });
    expect(cfg.http.principals).toEqual([
      { name: ENV_TOKEN_PRINCIPAL, tokenSha256: sha(env.LLM_GATEWAY_AUTH_TOKEN), source: 'env' },
    ]);
    expect(JSON.stringify(cfg)).not.toContain(env.LLM_GATEWAY_AUTH_TOKEN);
    expect(cfg.envOverrides).toContain('LLM_GATEWAY_AUTH_TOKEN');
  });

  it.each([
    ['LLM_GATEWAY_TRANSPORT', 'sse'],
    ['LLM_GATEWAY_HTTP_PORT', '80a'],
    ['LLM_GATEWAY_HTTP_PORT', '99999'],
    ['LLM_GATEWAY_AUTH_TOKEN', 'short'],
    ['LLM_GATEWAY_PUBLIC_URL', 'ftp://x'],
  ])('rejects a bad %s', (name, value) => {
    const err = configError(() => loadConfig({ ...home(), [name]: value }));
    expect(err.keyPath).toBe(`env:${name}`);
  });

  it('LLM_GATEWAY_CONFIG overrides the path and must exist', () => {
    const env = home();
    const path = join(env.LLM_GATEWAY_HOME!, 'other.toml');
    writeFileSync(path, '[persistence]\nbackend = "none"\n');
    expect(loadConfig({ ...env, LLM_GATEWAY_CONFIG: path }).persistence).toEqual({
      backend: 'none',
      path: null,
    });
    expect(configError(() => loadConfig({ ...env, LLM_GATEWAY_CONFIG: path + '.missing' })).keyPath).toBe(
      'env:LLM_GATEWAY_CONFIG',
    );
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeEnv, REPO_ROOT, tempDir } from '../helpers/env.js';

const MAIN = ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts'];
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const t = tempDir('gw-cli-http-');
  cleanups.push(t.cleanup);
  return fakeEnv(t.dir, { MCP_LOG_LEVEL: 'warn', ...extra });
}

describe('llm-cli-gateway --transport http', () => {
  it('refuses to bind 0.0.0.0 without a token: non-zero exit, clear message', () => {
    const r = spawnSync(process.execPath, MAIN, {
      cwd: REPO_ROOT,
      env: env({
        LLM_GATEWAY_TRANSPORT: 'http',
        LLM_GATEWAY_HTTP_HOST: '0.0.0.0',
        LLM_GATEWAY_HTTP_PORT: '0',
      }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr).toMatch(
      /refusing to listen on non-loopback address "0\.0\.0\.0" without authentication/,
    );
  });

  it('rejects a bad config with the key path and exit 2', () => {
    const r = spawnSync(process.execPath, [...MAIN, '--transport', 'sse'], {
      cwd: REPO_ROOT,
      env: env({}),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('transport');
  });

  it('doctor --json reports persistence, limits, approval and flags an unsafe exposure', () => {
    const r = spawnSync(process.execPath, [...MAIN, 'doctor', '--json'], {
      cwd: REPO_ROOT,
      env: env({ LLM_GATEWAY_TRANSPORT: 'http', LLM_GATEWAY_HTTP_HOST: '0.0.0.0' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as {
      transport: string;
      governance: {
        persistence: { backend: string; asyncTools: boolean };
        limits: { maxConcurrent: number };
        approval: { strategy: string };
        exposure: { findings: Array<{ level: string; code: string }> };
      };
      warnings: string[];
    };
    expect(report.transport).toBe('http');
    expect(report.governance.persistence).toMatchObject({ backend: 'sqlite', asyncTools: true });
    expect(report.governance.limits.maxConcurrent).toBeGreaterThan(0);
    expect(report.governance.approval.strategy).toBe('legacy');
    expect(report.governance.exposure.findings).toContainEqual(
      expect.objectContaining({ level: 'unsafe', code: 'PUBLIC_BIND_WITHOUT_TOKEN' }),
    );
    expect(report.warnings.join('\n')).toContain('UNSAFE');
  });

  it('serves over HTTP with a token and warns about a public URL', async () => {
    const child = spawn(process.execPath, [...MAIN, '--transport', 'http'], {
      cwd: REPO_ROOT,
      env: env({
        LLM_GATEWAY_HTTP_PORT: '0',
        LLM_GATEWAY_AUTH_TOKEN: 'cli-test-token-0123456789',
        LLM_GATEWAY_PUBLIC_URL: 'https://gw.example.test',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listen line: ${stderr}`)), 20_000);
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect(stderr).toMatch(/public URL/i);
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    const denied = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(denied.status).toBe(401);
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNativeSpawn } from 'spawn-native';
import { doctorReport, formatDoctor } from '../src/cli/doctor.js';
import { fakeEnv, REPO_ROOT, tempDir } from './helpers/env.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function home(): string {
  const t = tempDir('gw-doctor-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** The config warning and the report's text, which must name settings as the user wrote them. */
async function configProblem(env: NodeJS.ProcessEnv): Promise<{ warning: string; text: string }> {
  const r = await doctorReport(env);
  const warnings = r.warnings.filter((w) => w.startsWith('config: '));
  expect(warnings).toHaveLength(1);
  const text = formatDoctor(r);
  expect(text).not.toContain('env:');
  expect(JSON.stringify(r.warnings)).not.toContain('env:');
  return { warning: warnings[0]!, text };
}

describe('doctor: configuration problems in the words the user wrote them', () => {
  it('a LLM_GATEWAY_CONFIG naming a missing file is shown as the assignment, with the path it resolved to', async () => {
    const dir = home();
    const missing = join(dir, 'nowhere', 'gw.toml');
    const { warning, text } = await configProblem(fakeEnv(dir, { LLM_GATEWAY_CONFIG: missing }));
    expect(warning).toBe(`config: LLM_GATEWAY_CONFIG=${missing}: ${missing} does not exist`);
    expect(text).toContain(`Config: INVALID: LLM_GATEWAY_CONFIG=${missing}: ${missing} does not exist`);
  });

  it('a relative LLM_GATEWAY_CONFIG is shown as written, and the absolute path it names', async () => {
    const dir = home();
    const { warning } = await configProblem(fakeEnv(dir, { LLM_GATEWAY_CONFIG: 'no-such-gw.toml' }));
    expect(warning).toBe(
      `config: LLM_GATEWAY_CONFIG=no-such-gw.toml: ${join(process.cwd(), 'no-such-gw.toml')} does not exist`,
    );
  });

  it('a bad key in the file LLM_GATEWAY_CONFIG names: the file, the key, and where the file came from', async () => {
    const dir = home();
    const file = join(dir, 'gw.toml');
    writeFileSync(file, '[limits]\nmax_queue = "lots"\n');
    const { warning } = await configProblem(fakeEnv(dir, { LLM_GATEWAY_CONFIG: file }));
    expect(warning.startsWith(`config: ${file}: limits.max_queue: `)).toBe(true);
    expect(warning.endsWith(`(config file set by LLM_GATEWAY_CONFIG=${file})`)).toBe(true);
  });

  it('another environment override is named with its value, a secret one without it', async () => {
    const dir = home();
    expect((await configProblem(fakeEnv(dir, { LLM_GATEWAY_HTTP_PORT: '99999' }))).warning).toBe(
      'config: LLM_GATEWAY_HTTP_PORT=99999: is not a port number (0-65535)',
    );
    const short = 'tiny-secret';
    const secret = await configProblem(fakeEnv(dir, { LLM_GATEWAY_AUTH_TOKEN: short }));
    expect(secret.warning).toBe(
      'config: LLM_GATEWAY_AUTH_TOKEN: is shorter than 16 characters; use a long random token',
    );
    expect(secret.text).not.toContain(short);
  });
});

describe('doctor: the spawner', () => {
  it('names the spawner in use, in the text and in --json', async () => {
    const r = await doctorReport({ ...fakeEnv(home()), LLM_GATEWAY_SPAWN: 'node' });
    expect(r.spawner).toEqual({
      kind: 'node',
      description: "node's child_process.spawn (fork)",
      reason: 'LLM_GATEWAY_SPAWN=node',
    });
    expect(formatDoctor(r)).toContain("Spawner: node's child_process.spawn (fork) (LLM_GATEWAY_SPAWN=node)");
    const native = await doctorReport({ ...fakeEnv(home()), LLM_GATEWAY_SPAWN: 'native' });
    if (loadNativeSpawn() !== undefined) {
      expect(native.spawner).toEqual({ kind: 'native', description: 'native posix_spawn (spawn-native)' });
      expect(formatDoctor(native)).toContain('Spawner: native posix_spawn (spawn-native)');
    } else expect(native.warnings.some((w) => w.startsWith('spawner: '))).toBe(true);
  });

  it('warns that an unknown LLM_GATEWAY_SPAWN stops the gateway from starting', async () => {
    const r = await doctorReport({ ...fakeEnv(home()), LLM_GATEWAY_SPAWN: 'vfork' });
    expect(r.spawner.kind).toBe('none');
    expect(r.warnings).toContain(
      'spawner: LLM_GATEWAY_SPAWN=vfork: expected "node" or "native"; the gateway will not start',
    );
  });

  it('the gateway refuses to start (usage error) on an LLM_GATEWAY_SPAWN it cannot honour', () => {
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts'],
      {
        cwd: REPO_ROOT,
        env: { ...fakeEnv(home()), LLM_GATEWAY_SPAWN: 'vfork' },
        encoding: 'utf8',
        input: '',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('llm-cli-gateway: LLM_GATEWAY_SPAWN=vfork: expected "node" or "native"');
  });
});

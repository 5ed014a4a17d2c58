import { buildChildEnv } from './executor/env.js';
import { resolveBinary } from './executor/resolve-binary.js';
import { runProcess } from './executor/run.js';
import { errorMessage } from './errors.js';
import type { ProviderContract, ProviderId } from './providers/contract.js';
import { providerList } from './providers/registry.js';

export interface CliVersion {
  cli: ProviderId;
  binary: string;
  installed: boolean;
  path?: string;
  version?: string;
  error?: string;
}

/** Runs `<binary> --version` (fixed argv, no shell, allow-listed env, short timeouts). */
export async function cliVersion(contract: ProviderContract, env: NodeJS.ProcessEnv): Promise<CliVersion> {
  const base = { cli: contract.id, binary: contract.binary };
  let path: string;
  try {
    path = resolveBinary(contract.binary, env.PATH);
  } catch (err) {
    return { ...base, installed: false, error: errorMessage(err) };
  }
  const run = await runProcess({
    binaryPath: path,
    args: ['--version'],
    stdin: '',
    cwd: '/',
    env: buildChildEnv({ source: env, credentialNames: [], invocationNames: [], invocationEnv: {} }),
    totalTimeoutMs: 15_000,
    idleTimeoutMs: 15_000,
    outputCapBytes: 64 * 1024,
    killGraceMs: 500,
  });
  const text = (run.stdout.trim() || run.stderr.trim()).split('\n')[0]?.slice(0, 200);
  if (run.exitCode !== 0 || !text) {
    return {
      ...base,
      installed: true,
      path,
      error: run.spawnError ?? `--version failed (exit ${run.exitCode}): ${text ?? ''}`,
    };
  }
  return { ...base, installed: true, path, version: text };
}

export function allCliVersions(env: NodeJS.ProcessEnv): Promise<CliVersion[]> {
  return Promise.all(providerList().map((p) => cliVersion(p, env)));
}

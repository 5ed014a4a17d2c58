import { GatewayError } from '../errors.js';
import type { Invocation, ProviderContract, ProviderRequest } from '../providers/contract.js';
import { admitArgs, admitStdin } from './admission.js';
import { buildChildEnv } from './env.js';
import { resolveBinary } from './resolve-binary.js';
import { runProcess, type RunResult } from './run.js';
import { prepareWorkDir } from './workdir.js';

export interface ExecLimits {
  totalTimeoutMs: number;
  idleTimeoutMs: number;
  outputCapBytes: number;
  killGraceMs: number;
}

export const DEFAULT_LIMITS: ExecLimits = {
  totalTimeoutMs: 30 * 60_000,
  idleTimeoutMs: 10 * 60_000,
  outputCapBytes: 16 * 1024 * 1024,
  killGraceMs: 2_000,
};

export interface PreparedExecution {
  readonly binaryPath: string;
  readonly invocation: Invocation;
  readonly env: Record<string, string>;
}

/**
 * Everything that can refuse a request, done before any spawn: build argv from
 * the contract, admit argv and stdin, resolve the binary, build the env.
 */
export function prepareExecution(
  contract: ProviderContract,
  request: ProviderRequest,
  sourceEnv: NodeJS.ProcessEnv = process.env,
  cloudBackends: readonly string[] = [],
): PreparedExecution {
  const invocation = contract.build(request);
  admitArgs(contract, invocation.args);
  admitStdin(invocation.stdin);
  const env = buildChildEnv({
    source: sourceEnv,
    credentialNames: contract.credentialEnv,
    invocationNames: contract.invocationEnv,
    invocationEnv: invocation.env,
    cloudNames: cloudBackends.flatMap((b) => contract.cloudEnv?.[b] ?? []),
  });
  const binaryPath = resolveBinary(contract.binary, sourceEnv.PATH);
  return { binaryPath, invocation, env };
}

export interface ExecuteOptions {
  readonly workingDir?: string;
  readonly limits: ExecLimits;
  readonly signal?: AbortSignal;
  readonly onSpawn?: (pid: number) => void;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export interface ExecutionOutcome extends RunResult {
  readonly binaryPath: string;
  readonly cwd: string;
}

/** Runs a prepared execution in its working directory, then releases a temp dir. */
export async function execute(
  contract: ProviderContract,
  prepared: PreparedExecution,
  opts: ExecuteOptions,
): Promise<ExecutionOutcome> {
  const workDir = prepareWorkDir(opts.workingDir);
  try {
    const result = await runProcess({
      binaryPath: prepared.binaryPath,
      args: prepared.invocation.args,
      stdin: prepared.invocation.stdin,
      cwd: workDir.path,
      env: prepared.env,
      ...opts.limits,
      signal: opts.signal,
      fatalLine: contract.fatalLineWatcher?.(),
      onSpawn: opts.onSpawn,
      onOutput: opts.onOutput,
    });
    if (result.spawnError !== undefined) {
      throw new GatewayError('SPAWN_FAILED', `${contract.binary} could not be started: ${result.spawnError}`);
    }
    return { ...result, binaryPath: prepared.binaryPath, cwd: workDir.path };
  } finally {
    workDir.release();
  }
}

import { loadOrCreateKeyFile } from 'audit-chain';
import { loadConfig, type GatewayConfig } from './config/file.js';
import { ensurePrivateDir, gatewayHome } from './config/paths.js';
import { DEFAULT_LIMITS, type ExecLimits } from './executor/execute.js';
import { createRequestPlane, type RequestPlane } from './jobs/plane.js';
import { providerList } from './providers/registry.js';
import type { Recorder } from './recorder/api.js';
import { RequestService } from './service/request-service.js';
import type { Sessions } from './sessions/api.js';
import { openStores } from './store/open.js';
import { RedactionPolicy } from './redaction/policy.js';

/** Everything the tools need, built once per process. */
export interface Gateway {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly config: GatewayConfig;
  readonly sessions: Sessions;
  readonly recorder: Recorder | null;
  /** Resolves once the stores are usable (PostgreSQL: reachable and migrated); rejects with why not. */
  readonly ready: Promise<void>;
  readonly service: RequestService;
  /** Approval gate, concurrency limits and (with a durable store) async jobs. */
  readonly plane: RequestPlane;
  /** Applied to every tool result and stored text (redaction/policy.ts). */
  readonly redaction: RedactionPolicy;
  /** Cancels this instance's running jobs (process groups killed), then closes the databases. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ExecLimits>;
  /** Already loaded configuration; default: `loadConfig(env)`. */
  config?: GatewayConfig;
}

/** Values of every provider credential variable present: redacted wherever they might echo. */
export function credentialValues(env: NodeJS.ProcessEnv): string[] {
  const names = new Set(
    providerList().flatMap((p) => [...p.credentialEnv, ...Object.values(p.cloudEnv ?? {}).flat()]),
  );
  return [...names].map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

export function createGateway(opts: GatewayOptions = {}): Gateway {
  const env = opts.env ?? process.env;
  const config = opts.config ?? loadConfig(env);
  const home = gatewayHome(env);
  ensurePrivateDir(home);
  const redaction = new RedactionPolicy(env, config);
  const secrets = redaction.values();
  // opt-in: LLM_GATEWAY_AUDIT_KEY names the Ed25519 key file (created 0600 on first use) that signs the recorder's chain
  const keyFile = env.LLM_GATEWAY_AUDIT_KEY;
  const signer = keyFile === undefined || keyFile === '' ? undefined : loadOrCreateKeyFile(keyFile);
  const stores = openStores({ config, env, home, secrets, signer });
  const { sessions, recorder } = stores;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const service = new RequestService({
    sessions,
    recorder,
    limits,
    env,
    secrets,
    workspaces: config.workspaces,
    maxTimeoutMs: config.limits.maxTimeoutMs,
    cloudBackends: config.cloudBackends,
  });
  const plane = createRequestPlane({
    config,
    home,
    run: (caller, request, hooks) => service.run(caller, request, hooks),
    admit: (caller, request) => service.admit(caller, request),
    secrets,
    killGraceMs: limits.killGraceMs,
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= plane
      .close()
      .finally(() => service.drain())
      .finally(() => stores.close());
    return closing;
  };
  // Serving starts only once every store (recorder, sessions, jobs) is usable.
  const ready = Promise.all([stores.ready, plane.ready]).then(() => undefined);
  ready.catch(() => undefined); // awaited by serve; this only keeps it from being "unhandled"
  return { home, env, config, sessions, recorder, ready, service, plane, redaction, close };
}

import { ensurePrivateDir, gatewayHome, logsDbPath } from './config/paths.js';
import { DEFAULT_LIMITS, type ExecLimits } from './executor/execute.js';
import { providerList } from './providers/registry.js';
import { FlightRecorder } from './recorder/recorder.js';
import { RequestService } from './service/request-service.js';
import { SessionStore } from './sessions/store.js';

/** Everything the tools need, built once per process. */
export interface Gateway {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sessions: SessionStore;
  readonly recorder: FlightRecorder | null;
  readonly service: RequestService;
  close(): void;
}

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ExecLimits>;
}

/** Values of every provider credential variable present: redacted wherever they might echo. */
export function credentialValues(env: NodeJS.ProcessEnv): string[] {
  const names = new Set(providerList().flatMap((p) => p.credentialEnv));
  return [...names].map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

export function createGateway(opts: GatewayOptions = {}): Gateway {
  const env = opts.env ?? process.env;
  const home = gatewayHome(env);
  ensurePrivateDir(home);
  const secrets = credentialValues(env);
  const sessions = new SessionStore(home);
  const dbPath = logsDbPath(env);
  const recorder = dbPath === null ? null : new FlightRecorder(dbPath, secrets);
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const service = new RequestService({ sessions, recorder, limits, env, secrets });
  return { home, env, sessions, recorder, service, close: () => recorder?.close() };
}

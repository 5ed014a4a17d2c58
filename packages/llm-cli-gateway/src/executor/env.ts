import { AdmissionError } from '../errors.js';
import { assertNoNul } from './admission.js';

/** Variables every CLI may see: locale, terminal, home, temp, proxies and CA bundles. */
export const BASE_ENV_ALLOW: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TERM',
  'TZ',
  'TMPDIR',
  'NO_COLOR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  'XDG_RUNTIME_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

export const MAX_ENV_BYTES = 64 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names that inject code into whatever process reads them (the dynamic
 * loader, node, shells, interpreters): never passed, even if allow-listed.
 */
const NEVER_PASS =
  /^(LD_[A-Z_]*|DYLD_[A-Z_]*|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|PROMPT_COMMAND|PYTHONSTARTUP|PYTHONPATH|PERL5OPT|PERL5LIB|RUBYOPT|GIT_SSH_COMMAND|GIT_EXEC_PATH)$/;

/**
 * Operator-declared extra names (`LLM_GATEWAY_ENV_ALLOW=NAME1,NAME2`), for
 * settings a CLI needs that the gateway does not know about.
 */
export function operatorAllowList(env: NodeJS.ProcessEnv): string[] {
  const raw = env.LLM_GATEWAY_ENV_ALLOW ?? '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => ENV_NAME.test(s) && !NEVER_PASS.test(s));
}

/**
 * Builds the child's environment from the allow-list only: nothing else of the
 * gateway's environment leaks into a CLI. Provider env (e.g. VIBE_ACTIVE_MODEL)
 * must be declared by the contract.
 */
export function buildChildEnv(opts: {
  source: NodeJS.ProcessEnv;
  credentialNames: readonly string[];
  invocationNames: readonly string[];
  invocationEnv: Readonly<Record<string, string>>;
}): Record<string, string> {
  const allowed = new Set([...BASE_ENV_ALLOW, ...opts.credentialNames, ...operatorAllowList(opts.source)]);
  const out: Record<string, string> = {};
  for (const name of allowed) {
    const value = opts.source[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(opts.invocationEnv)) {
    if (!opts.invocationNames.includes(name))
      throw new AdmissionError(`env ${name} is not in the provider contract`);
    out[name] = value;
  }
  let total = 0;
  for (const [name, value] of Object.entries(out)) {
    if (!ENV_NAME.test(name)) throw new AdmissionError(`env name ${JSON.stringify(name)} is invalid`);
    assertNoNul(`env ${name}`, value);
    total += name.length + Buffer.byteLength(value, 'utf8') + 2;
  }
  if (total > MAX_ENV_BYTES)
    throw new AdmissionError(`environment of ${total} bytes exceeds ${MAX_ENV_BYTES}`);
  return out;
}

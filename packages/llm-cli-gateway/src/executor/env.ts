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
 * loader, node, shells, interpreters, git, the JVM): never passed, even if
 * allow-listed, unless the operator also names them in
 * `LLM_GATEWAY_ENV_ALLOW_UNSAFE` (an explicit, separately named flag).
 */
export const NEVER_PASS =
  /^(?:LD_\w*|DYLD_\w*|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE|ELECTRON_RUN_AS_NODE|BASH_ENV|ENV|ZDOTDIR|BASH_FUNC_\w*|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|PYTHONUSERBASE|PYTHONINSPECT|PERL5OPT|PERL5LIB|PERLLIB|PERL5DB|RUBYOPT|RUBYLIB|GIT_SSH|GIT_SSH_COMMAND|GIT_EXEC_PATH|GIT_ASKPASS|SSH_ASKPASS|GIT_CONFIG\w*|GIT_TEMPLATE_DIR|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|TCLLIBPATH|LUA_PATH|LUA_CPATH|LUA_INIT\w*|PHPRC|PHP_INI_SCAN_DIR|GCONV_PATH|HOSTALIASES|LOCPATH|MALLOC_\w*|OPENSSL_CONF|OPENSSL_ENGINES)$/;

/**
 * Cloud credentials: they reach a CLI only through its provider's enabled
 * cloud backend (`[providers.<cli>] cloud = [...]`), never through the
 * operator's general allow-list, which applies to every CLI.
 */
export const CLOUD_CREDENTIAL =
  /^(?:AWS_\w+|GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_GENAI_USE_VERTEXAI|CLOUDSDK_\w+|AZURE_\w+|ARM_CLIENT_\w+|CLAUDE_CODE_USE_BEDROCK|CLAUDE_CODE_USE_VERTEX)$/;

/**
 * Operator-declared extra names (`LLM_GATEWAY_ENV_ALLOW=NAME1,NAME2`), for
 * settings a CLI needs that the gateway does not know about.
 */
export function operatorAllowList(env: NodeJS.ProcessEnv): string[] {
  const raw = env.LLM_GATEWAY_ENV_ALLOW ?? '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => ENV_NAME.test(s) && !NEVER_PASS.test(s) && !CLOUD_CREDENTIAL.test(s));
}

/** `LLM_GATEWAY_ENV_ALLOW_UNSAFE`: deny-listed names the operator forces through, knowingly. */
export function unsafeAllowList(env: NodeJS.ProcessEnv): string[] {
  return (env.LLM_GATEWAY_ENV_ALLOW_UNSAFE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => ENV_NAME.test(s));
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
  /** Names of the provider's enabled cloud backends (config `[providers.<cli>] cloud`). */
  cloudNames?: readonly string[];
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowedNames(opts.source, opts.credentialNames, opts.cloudNames ?? [])) {
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

/** The names a child may see, for the inputs they were derived from (values are read per call). */
interface AllowedNames {
  readonly allow: string | undefined;
  readonly unsafe: string | undefined;
  readonly credential: readonly string[];
  readonly cloud: readonly string[];
  readonly names: readonly string[];
}

/** Last derivation per credential list (each contract's own array): the request path recomputes nothing. */
const derived = new WeakMap<readonly string[], AllowedNames>();

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The allow-list in the order the child's environment is built: base names,
 * the provider's credentials and the operator's names (deny-listed and cloud
 * names dropped), then the enabled cloud names, then the unsafe overrides.
 * Derived again whenever the operator variables or the name lists change.
 */
function allowedNames(
  source: NodeJS.ProcessEnv,
  credentialNames: readonly string[],
  cloudNames: readonly string[],
): readonly string[] {
  const allow = source.LLM_GATEWAY_ENV_ALLOW;
  const unsafeRaw = source.LLM_GATEWAY_ENV_ALLOW_UNSAFE;
  const hit = derived.get(credentialNames);
  if (
    hit !== undefined &&
    hit.allow === allow &&
    hit.unsafe === unsafeRaw &&
    sameList(hit.credential, credentialNames) &&
    sameList(hit.cloud, cloudNames)
  )
    return hit.names;
  const unsafe = new Set(unsafeAllowList(source));
  const allowed = new Set<string>();
  for (const name of [...BASE_ENV_ALLOW, ...credentialNames, ...operatorAllowList(source)]) {
    // A provider's own list is filtered too: cloud credentials only through an enabled backend.
    if (NEVER_PASS.test(name) && !unsafe.has(name)) continue;
    if (CLOUD_CREDENTIAL.test(name)) continue;
    allowed.add(name);
  }
  for (const name of cloudNames) allowed.add(name);
  for (const name of unsafe) allowed.add(name);
  const names = [...allowed];
  derived.set(credentialNames, {
    allow,
    unsafe: unsafeRaw,
    credential: [...credentialNames],
    cloud: [...cloudNames],
    names,
  });
  return names;
}

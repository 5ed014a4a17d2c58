import { LOCAL_TOKEN_FILE } from './local-token.js';
import { statSync } from 'node:fs';
import { isLoopbackHost } from 'mcp-host';
import type { GatewayConfig } from './file.js';

export type FindingLevel = 'unsafe' | 'warning' | 'info';

export interface ExposureFinding {
  readonly level: FindingLevel;
  readonly code: string;
  readonly message: string;
}

export interface ExposureReport {
  readonly transport: 'stdio' | 'http';
  readonly bind: string;
  readonly loopback: boolean;
  readonly principals: readonly string[];
  /**
   * How HTTP callers authenticate: IdP-issued JWTs (`jwt (issuer ..., audience ...)`), configured
   * tokens, a token generated on first start, or none (explicitly configured).
   */
  readonly auth: string;
  readonly publicUrl?: string;
  readonly findings: readonly ExposureFinding[];
}

function configFileFindings(config: GatewayConfig): ExposureFinding[] {
  if (!config.file.exists) return [];
  const mode = statSync(config.file.path).mode & 0o777;
  if ((mode & 0o022) === 0) return [];
  return [
    {
      level: 'unsafe',
      code: 'CONFIG_WRITABLE',
      message: `${config.file.path} is writable by others (mode ${mode.toString(8)}): anyone who can edit it can add principals or eligible MCP servers; chmod 600 it`,
    },
  ];
}

/** Pure-ish assessment of how the gateway is exposed, for `doctor` (text and --json). */
export function assessExposure(config: GatewayConfig): ExposureReport {
  const h = config.http;
  const loopback = isLoopbackHost(h.host);
  const findings: ExposureFinding[] = [...configFileFindings(config)];
  const add = (level: FindingLevel, code: string, message: string) => findings.push({ level, code, message });
  const jwt = config.auth.backend === 'jwt';
  const authenticated = jwt || h.principals.length > 0;
  if (jwt && h.principals.length > 0) {
    add(
      'warning',
      'TOKENS_NOT_USED',
      `[auth] backend = "jwt": the ${h.principals.length} bearer token principal(s) (config or LLM_GATEWAY_AUTH_TOKEN) are ignored`,
    );
  }
  if (config.transport === 'http') {
    if (!loopback && !authenticated) {
      add(
        'unsafe',
        'PUBLIC_BIND_WITHOUT_TOKEN',
        `http host ${h.host} is not loopback and no token is configured: the gateway refuses to start`,
      );
    } else if (!authenticated && h.auth === 'none') {
      add(
        'warning',
        'NO_TOKEN',
        'HTTP without a token ([http] auth = "none"): every local process can run agents through the gateway; set LLM_GATEWAY_AUTH_TOKEN or [[http.principals]]',
      );
    } else if (h.principals.length === 0) {
      add(
        'info',
        'LOCAL_TOKEN',
        `no token configured: a token is generated on first start in <data dir>/${LOCAL_TOKEN_FILE} (0600) and required as "Authorization: Bearer <token>"; [http] auth = "none" turns this off`,
      );
    }
    if (h.publicUrl !== undefined) {
      add(
        authenticated ? 'warning' : 'unsafe',
        'PUBLIC_URL',
        `public URL ${h.publicUrl} configured: exposure beyond this machine is the operator's responsibility`,
      );
    }
    if (config.approval.strategy === 'legacy' && authenticated) {
      add(
        'warning',
        'REMOTE_LEGACY_APPROVAL',
        'remote callers use legacy approval: they may ask for the CLIs\' bypass flags; consider [approval] strategy = "mcp_managed"',
      );
    }
  } else if (h.principals.length > 0 || h.publicUrl !== undefined) {
    add('info', 'HTTP_CONFIGURED_NOT_USED', 'HTTP settings are present but the transport is stdio');
  }
  if (config.persistence.backend === 'none')
    add('info', 'ASYNC_DISABLED', 'persistence backend "none": async job tools are not registered');
  return {
    transport: config.transport,
    bind: `${h.host}:${h.port}`,
    loopback,
    principals: jwt ? [] : h.principals.map((p) => `${p.name} (${p.source})`),
    auth: jwt
      ? `jwt (issuer ${config.auth.issuer}, audience ${[config.auth.audience].flat().join(',')})`
      : h.principals.length > 0
        ? 'tokens'
        : h.auth === 'none'
          ? 'none'
          : 'generated-token',
    publicUrl: h.publicUrl,
    findings,
  };
}

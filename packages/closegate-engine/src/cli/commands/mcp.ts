import { ExposureError, HostConfigError, createLogger } from 'mcp-host';
import { McpConfigError } from '../../mcp/errors.js';
import { DB_OPTION, parse } from '../args.js';
import { EXIT_OK, EXIT_USAGE, printJson, UsageError, type CliIo } from '../io.js';
import type { Command } from './types.js';
import { existingDbPathOf, policyPathOf } from '../settings.js';

const SERVE_HELP = `usage: closegate-engine mcp serve [--db PATH] [--policy FILE] [--http] [--host H] [--port P] [--check [--json]]

Serves the closegate MCP tools (stdio by default, Streamable HTTP with --http).
--check prints what the server would run with (auth backend, bind, allow-lists, caps) and any
warning (e.g. tokens set for a backend that is not in use), then exits: 0 ok, 1 configuration error.

stdio: the caller is CLOSEGATE_ACTOR_ID (human:<id> | llm:<id> | engine:<id>).
  Required when CLOSEGATE_ENV=prod; in dev a missing id becomes llm:stdio-<random> (announced on stderr).
HTTP (--http): listens on --host/--port, else CLOSEGATE_HTTP_HOST / CLOSEGATE_HTTP_PORT, else 127.0.0.1:8765; path /mcp.
  CLOSEGATE_AUTH_BACKEND=token          CLOSEGATE_HTTP_TOKENS="human:alice=TOKEN1,llm:agent=TOKEN2"
                                        and/or CLOSEGATE_HTTP_TOKENS_FILE (one actor=token per line, chmod 600);
                                        a token may be given as sha256:<hex>. Tokens: >= 16 characters.
  CLOSEGATE_AUTH_BACKEND=header-trust   CLOSEGATE_SERVICE_TOKEN (bearer of the trusted agent service / proxy)
                                        + the actor in X-Actor-Id (CLOSEGATE_HEADER_TRUST_HEADER to rename);
                                        the header is ignored and the request refused without the service token.
  CLOSEGATE_AUTH_BACKEND=jwt            access tokens from the company's IdP: CLOSEGATE_JWT_ISSUER, CLOSEGATE_JWT_AUDIENCE
                                        (comma list), CLOSEGATE_JWT_ACTOR_CLAIM (email) -> human:<value>,
                                        CLOSEGATE_JWT_SERVICE_ACTORS="client-id=llm:agent,..." (the only way to a
                                        non-human actor; matched on CLOSEGATE_JWT_SERVICE_CLAIM, default sub),
                                        CLOSEGATE_JWT_ALGORITHMS (RS256,PS256,ES256,EdDSA), CLOSEGATE_JWT_JWKS_URI,
                                        CLOSEGATE_JWT_CLOCK_TOLERANCE_S (30), CLOSEGATE_JWT_REQUIRED_SCOPES.
  no backend (dev only)                 every loopback caller is CLOSEGATE_ACTOR_ID (or llm:http-<random>);
                                        a non-loopback --host is refused.
  Limits: CLOSEGATE_HTTP_MAX_SESSIONS (64), CLOSEGATE_HTTP_MAX_SESSIONS_PER_PRINCIPAL (a quarter of it),
  CLOSEGATE_HTTP_MAX_CONNECTIONS (256), CLOSEGATE_HTTP_HEADERS_TIMEOUT_MS (10000),
  CLOSEGATE_HTTP_MAX_REQUESTS_PER_SOCKET (1000), CLOSEGATE_HTTP_IDLE_MS (900000), CLOSEGATE_HTTP_MAX_BODY_BYTES (1048576),
  CLOSEGATE_PUBLIC_URL, CLOSEGATE_HTTP_ALLOWED_HOSTS, CLOSEGATE_HTTP_ALLOWED_ORIGINS (comma lists).
Other: CLOSEGATE_CALENDAR=FILE (close calendar YAML/JSON for get_close_calendar), MCP_LOG_LEVEL, MCP_LOG_FORMAT=json.
Logs go to stderr only. Stops on SIGINT/SIGTERM (and, for stdio, when stdin closes).`;

const HELP = `usage: closegate-engine mcp <subcommand>

subcommands:
  serve   serve the closegate MCP tools over stdio or HTTP (see: mcp serve --help)`;

/** Resolves when the process is asked to stop. */
function stopSignal(stdio: boolean): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (stdio) process.stdin.once('end', () => resolve('stdin closed'));
  });
}

function configMessage(err: unknown): string | undefined {
  if (err instanceof ExposureError) return `refusing to serve: ${err.message}`;
  if (err instanceof McpConfigError || err instanceof HostConfigError) return err.message;
  return undefined;
}

async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...DB_OPTION,
      policy: { type: 'string' },
      http: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      check: { type: 'boolean' },
    },
    SERVE_HELP,
  );
  if (values.help) {
    io.out(SERVE_HELP);
    return EXIT_OK;
  }
  const isHttp = (values as { http?: boolean }).http === true;
  if (!isHttp && (values.host !== undefined || values.port !== undefined))
    throw new UsageError('--host and --port need --http', SERVE_HELP);
  // the MCP server (the SDK, its schemas, every tool) loads for this command only, not every CLI start
  const [{ formatServeCheck, serveCheck }, serveModule] = await Promise.all([
    import('../../mcp/check.js'),
    import('../../mcp/serve.js'),
  ]);
  const {
    closeMcpDeps,
    httpAuthFromEnv,
    httpConfigFromEnv,
    openMcpDeps,
    randomActorSuffix,
    serveCloseGateHttp,
    serveCloseGateStdio,
  } = serveModule;
  const check = serveCheck(io.env, isHttp, { host: values.host, port: values.port });
  if ((values as { check?: boolean }).check === true) {
    if (values.json) printJson(io, check);
    else for (const line of formatServeCheck(check)) io.out(line);
    return check.errors.length === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const logger = createLogger('closegate-mcp');
  let deps;
  try {
    // Fail on configuration before opening anything.
    const auth = isHttp ? httpAuthFromEnv(io.env, randomActorSuffix) : undefined;
    const httpConfig = isHttp
      ? httpConfigFromEnv(io.env, { host: values.host, port: values.port })
      : undefined;
    deps = openMcpDeps({
      dbPath: existingDbPathOf(values.db, io),
      policyPath: policyPathOf(values.policy, io),
      env: io.env,
      logger,
    });
    // Configured-but-ignored credentials used to pass silently; say so at every start
    // (after the settings were found usable, so a bad setting is reported alone).
    for (const warning of check.warnings) io.err(`warning: ${warning}`);
    if (auth && httpConfig) {
      const host = await serveCloseGateHttp(deps, httpConfig, auth);
      const who = auth.actor ? `, every caller acts as ${auth.actor}` : '';
      io.err(`closegate MCP server listening on ${host.url} (auth: ${auth.backend}${who})`);
      const why = await stopSignal(false);
      logger.info(`stopping (${why})`);
      await host.close();
    } else {
      const host = await serveCloseGateStdio(deps, io.env);
      io.err(`closegate MCP server on stdio as ${host.actor}`);
      const why = await stopSignal(true);
      logger.info(`stopping (${why})`);
      await host.close();
    }
    return EXIT_OK;
  } catch (err) {
    const message = configMessage(err);
    if (message === undefined) throw err;
    io.err(`error: ${message}`);
    return EXIT_USAGE;
  } finally {
    if (deps) closeMcpDeps(deps);
  }
}

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'serve the closegate MCP tools (mcp serve [--http])',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.out(HELP);
      return EXIT_OK;
    }
    if (sub !== 'serve') throw new UsageError(`unknown mcp subcommand: ${sub}`, HELP);
    return serve(rest, io);
  },
};

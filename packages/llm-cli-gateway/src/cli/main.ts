#!/usr/bin/env node
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  argsErrorMessage,
  createLogger,
  EXIT_ERROR,
  EXIT_OK,
  EXIT_USAGE,
  EXIT_VERIFY_FAILED,
  ExposureError,
  HostConfigError,
  serveStdio,
  UsageError,
  type HttpHost,
} from 'mcp-host';
import { ConfigError } from '../config/errors.js';
import { loadConfig, type GatewayConfig } from '../config/file.js';
import { errorMessage } from '../errors.js';
import { createGateway } from '../gateway.js';
import { chooseSpawner, SpawnerUnavailableError } from '../executor/spawn-backend.js';
import { createGatewayServer } from '../server.js';
import { VERSION } from '../version.js';
import { dbCommand, HELP_DB } from './db.js';
import { doctorReport, formatDoctor } from './doctor.js';
import { logsHead, verifyLogs } from './logs.js';
import { parseHead, type ChainHead } from 'audit-chain';
import { HELP_WORKSPACE, workspaceCommand } from './workspace.js';
import { describeConfigError, usageErrorText } from './conventions.js';
import { recordRefusedCall } from '../recorder/refused-call.js';

const HELP = `llm-cli-gateway ${VERSION}: MCP server that runs the LLM coding CLIs as tools

Usage:
  llm-cli-gateway                 serve MCP over stdio (what MCP clients launch)
  llm-cli-gateway --transport http
                                  serve MCP over Streamable HTTP (127.0.0.1 by default; a token is
                                  required for any other address)
  llm-cli-gateway doctor [--json] installed CLIs and versions, data dir and permissions, config
  llm-cli-gateway workspace list | add <alias> <path> | remove <alias>
                                  directories agents may run in (required for HTTP callers)
  llm-cli-gateway logs verify [--expect-head SEQ:HASH] [--json]
  llm-cli-gateway logs head [--json]
                                  check the flight recorder's hash chain and every row against it
  llm-cli-gateway db migrate [--json]
                                  PostgreSQL store: apply the schema migrations (as the owner)
  llm-cli-gateway help [command]  this help, or a command's (every command also takes --help)
  llm-cli-gateway --version

Environment:
  LLM_GATEWAY_HOME       data directory (default ~/.llm-cli-gateway)
  LLM_GATEWAY_LOGS_DB    flight recorder path, or "none" to disable
  LLM_GATEWAY_ENV_ALLOW  extra env var names passed to the CLIs (comma-separated)
  LLM_GATEWAY_CONFIG     config file (default <data dir>/config.toml; see README)
  LLM_GATEWAY_TRANSPORT  stdio | http
  LLM_GATEWAY_HTTP_HOST, LLM_GATEWAY_HTTP_PORT
                         HTTP bind address and port (default 127.0.0.1:4680)
  LLM_GATEWAY_AUTH_TOKEN bearer token of the "env-token" principal (hashed at start, never stored)
  LLM_GATEWAY_PUBLIC_URL URL the operator exposes the gateway at (prints a warning)
  LLM_GATEWAY_SPAWN      native | node: how CLIs are started (default native posix_spawn when built)
  MCP_LOG_LEVEL          debug | info | warn | error | silent (logs go to stderr)

Exit: 0 ok, 1 error, 2 usage, 3 verification failed (see docs/cli-conventions.md).`;

const HELP_DOCTOR = `Usage: llm-cli-gateway doctor [--json]

Reports the installed provider CLIs and their versions, how they are started
(native posix_spawn or node's spawn), the data directory and file permissions, the flight recorder, the transport and the registered
workspaces (missing paths; HTTP enabled with none registered). Exit 1 on a warning.`;

const HELP_LOGS = `Usage: llm-cli-gateway logs verify [--expect-head SEQ:HASH] [--json]
       llm-cli-gateway logs head [--json]

verify: checks the flight recorder (logs.db): the hash chain, then every request
row against the digests the chain committed to. With --expect-head (a head
printed earlier by \`logs head\` and kept elsewhere), the chain must still
contain that event with that hash: deleting the newest rows (truncation) is
detected. Exit 0 intact, 3 broken (verification failed), 1 not verifiable
(recorder disabled or missing), 2 bad usage.
head: prints the newest chain event as SEQ:HASH.`;

/** The local OS user is the stdio principal: identity comes from the process, not from tool arguments. */
function stdioPrincipalId(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return `local:${name.replace(/[^\x21-\x7e]/g, '_') || 'unknown'}`;
}

async function serve(transportFlag: string | undefined): Promise<number> {
  const log = createLogger('llm-cli-gateway');
  const env =
    transportFlag === undefined ? process.env : { ...process.env, LLM_GATEWAY_TRANSPORT: transportFlag };
  let config: GatewayConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return fail(describeConfigError(err, env));
    throw err;
  }
  try {
    chooseSpawner(env); // LLM_GATEWAY_SPAWN=native without the native spawner: refuse to start
  } catch (err) {
    if (err instanceof SpawnerUnavailableError) return fail(err.message);
    throw err;
  }
  const gateway = createGateway({ env: process.env, config });
  try {
    await gateway.ready; // PostgreSQL store: reachable and migrated before serving
  } catch (err) {
    await gateway.close();
    console.error(`llm-cli-gateway: the store is not usable: ${errorMessage(err)}`);
    return 1;
  }
  let closeHost: () => Promise<void>;
  if (config.transport === 'http') {
    let host: HttpHost;
    try {
      // Loaded only here: a stdio start does not load the HTTP host, its auth or Hono.
      const { serveGatewayHttp } = await import('../transport/http.js');
      host = await serveGatewayHttp(gateway, log);
    } catch (err) {
      await gateway.close();
      // Settings that would expose the gateway unsafely: a usage error, nothing listens.
      if (err instanceof ExposureError || err instanceof HostConfigError) return fail(err.message);
      throw err;
    }
    console.error(`llm-cli-gateway ${VERSION}: listening on ${host.url} (GET /healthz for liveness)`);
    if (Object.keys(config.workspaces.entries).length === 0) {
      console.error(
        'llm-cli-gateway: warning: no workspace is registered, so every HTTP request will be refused ' +
          '(llm-cli-gateway workspace add <alias> <path>)',
      );
    }
    closeHost = () => host.close();
  } else {
    const recorder = gateway.recorder;
    const host = await serveStdio(
      createGatewayServer(gateway),
      { id: stdioPrincipalId(), transport: 'stdio' },
      // A tools/call refused with -32602 before any tool ran still gets a flight-recorder row.
      recorder ? { onRefusedCall: (event) => recordRefusedCall(recorder, event) } : {},
    );
    closeHost = () => host.close();
    process.stdin.on('end', () => shutdown());
  }
  log.info('serving MCP', {
    version: VERSION,
    transport: config.transport,
    home: gateway.home,
    recorder: gateway.recorder?.path ?? 'disabled',
    jobs: config.persistence.path ?? 'disabled',
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void closeHost()
      .then(() => gateway.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return -1;
}

/** node:util parseArgs, strict, with its errors turned into short usage errors. */
function parse<O extends ParseArgsConfig['options']>(args: string[], options: O, help: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(argsErrorMessage(err), help);
  }
}

const HELP_BY_COMMAND: Record<string, string> = {
  db: HELP_DB,
  doctor: HELP_DOCTOR,
  logs: HELP_LOGS,
  workspace: HELP_WORKSPACE,
};

/** `help` prints the overview; `help CMD` is `CMD --help`. */
function helpCommand(args: string[]): number {
  if (args.length === 0) return print(HELP, EXIT_OK);
  const help = HELP_BY_COMMAND[args[0]!];
  if (help === undefined) throw new UsageError(`unknown command: ${args[0]}`, HELP);
  return print(help, EXIT_OK);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'help') return helpCommand(args);
  if (command === '--version' || command === '-V') return print(`llm-cli-gateway ${VERSION}`, EXIT_OK);
  if (command === 'workspace') {
    return workspaceCommand(args, {
      out: (t) => console.log(t),
      err: (t) => console.error(t),
    });
  }
  if (command === 'doctor') return doctor(args);
  if (command === 'db') return db(args);
  if (command === 'logs') return logs(args);
  if (command !== undefined && !command.startsWith('-'))
    throw new UsageError(`unknown command: ${command}`, HELP);
  const { values } = parse(
    argv,
    {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
      transport: { type: 'string' },
    },
    HELP,
  );
  if (values.version) return print(`llm-cli-gateway ${VERSION}`, EXIT_OK);
  if (values.help) return print(HELP, EXIT_OK);
  const transport = values.transport;
  // The flag is checked here so its error names the flag, not the variable it overrides.
  if (transport !== undefined && transport !== 'stdio' && transport !== 'http')
    throw new UsageError(`--transport ${transport}: not a transport (stdio | http)`, HELP);
  return serve(transport);
}

async function doctor(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
    HELP_DOCTOR,
  );
  if (values.help) return print(HELP_DOCTOR, EXIT_OK);
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`, HELP_DOCTOR);
  const report = await doctorReport(process.env);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
  return report.warnings.length === 0 ? EXIT_OK : EXIT_ERROR;
}

async function db(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
    HELP_DB,
  );
  if (values.help) return print(HELP_DB, EXIT_OK);
  return dbCommand(positionals, values.json === true, {
    out: (t) => console.log(t),
    err: (t) => console.error(t),
  });
}

async function logs(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' }, 'expect-head': { type: 'string' } },
    HELP_LOGS,
  );
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) return print(HELP_LOGS, EXIT_OK);
  if (sub !== 'verify' && sub !== 'head') throw new UsageError(`unknown subcommand: logs ${sub}`, HELP_LOGS);
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`, HELP_LOGS);
  if (sub === 'head') {
    if (values['expect-head'] !== undefined)
      throw new UsageError('--expect-head is an option of logs verify', HELP_LOGS);
    const head = await logsHead(process.env);
    if (values.json) console.log(JSON.stringify(head, null, 2));
    else console.log(head.ok ? (head.head ?? '(empty chain)') : `FAILED: ${head.problem}`);
    return head.ok ? EXIT_OK : EXIT_ERROR;
  }
  let expectHead: ChainHead | undefined;
  try {
    expectHead = values['expect-head'] === undefined ? undefined : parseHead(values['expect-head']);
  } catch (err) {
    throw new UsageError(`--expect-head ${values['expect-head']}: ${errorMessage(err)}`, HELP_LOGS);
  }
  const outcome = await verifyLogs(process.env, expectHead);
  if (values.json) console.log(JSON.stringify(outcome, null, 2));
  else
    console.log(
      outcome.ok
        ? `ok: ${outcome.requests} requests, ${outcome.chainEvents} chain events intact (${outcome.path})`
        : `FAILED: ${outcome.problem}`,
    );
  if (outcome.ok) return EXIT_OK;
  // A chain that was walked and found broken is "verification failed"; a recorder that is
  // disabled or not there yet could not be verified at all.
  return 'chainEvents' in outcome ? EXIT_VERIFY_FAILED : EXIT_ERROR;
}

function print(text: string, code: number): number {
  (code === 0 ? console.log : console.error)(text);
  return code;
}

function fail(message: string): number {
  console.error(`llm-cli-gateway: ${message}`);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(usageErrorText(err));
      process.exitCode = EXIT_USAGE;
    } else if (err instanceof ConfigError) {
      console.error(`llm-cli-gateway: ${describeConfigError(err, process.env)}`);
      process.exitCode = EXIT_USAGE;
    } else {
      console.error(`llm-cli-gateway: ${errorMessage(err)}`);
      process.exitCode = EXIT_ERROR;
    }
  },
);

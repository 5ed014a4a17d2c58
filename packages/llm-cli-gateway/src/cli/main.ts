#!/usr/bin/env node
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger, ExposureError, HostConfigError, serveStdio, type HttpHost } from 'mcp-host';
import { ConfigError } from '../config/errors.js';
import { loadConfig, type GatewayConfig } from '../config/file.js';
import { serveGatewayHttp } from '../transport/http.js';
import { errorMessage } from '../errors.js';
import { createGateway } from '../gateway.js';
import { createGatewayServer } from '../server.js';
import { VERSION } from '../version.js';
import { dbCommand, HELP_DB } from './db.js';
import { doctorReport, formatDoctor } from './doctor.js';
import { logsHead, verifyLogs } from './logs.js';
import { parseHead, type ChainHead } from 'audit-chain';
import { workspaceCommand } from './workspace.js';
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
  llm-cli-gateway --version
  llm-cli-gateway --help          (every command also takes --help)

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
  MCP_LOG_LEVEL          debug | info | warn | error | silent (logs go to stderr)`;

const HELP_DOCTOR = `Usage: llm-cli-gateway doctor [--json]

Reports the installed provider CLIs and their versions, the data directory and
file permissions, the flight recorder, the transport and the registered
workspaces (missing paths; HTTP enabled with none registered). Exit 1 on a warning.`;

const HELP_LOGS = `Usage: llm-cli-gateway logs verify [--expect-head SEQ:HASH] [--json]
       llm-cli-gateway logs head [--json]

verify: checks the flight recorder (logs.db): the hash chain, then every request
row against the digests the chain committed to. With --expect-head (a head
printed earlier by \`logs head\` and kept elsewhere), the chain must still
contain that event with that hash: deleting the newest rows (truncation) is
detected. Exit 0 when intact, 1 otherwise, 2 on bad usage.
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
    if (err instanceof ConfigError) return fail(err.message);
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
      host = await serveGatewayHttp(gateway, log);
    } catch (err) {
      await gateway.close();
      if (err instanceof ExposureError || err instanceof HostConfigError) {
        console.error(`llm-cli-gateway: ${err.message}`);
        return 1;
      }
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

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'workspace') {
    return workspaceCommand(argv.slice(1), {
      out: (t) => console.log(t),
      err: (t) => console.error(t),
    });
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      json: { type: 'boolean' },
      transport: { type: 'string' },
      'expect-head': { type: 'string' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  if (command === undefined) {
    if (values.help) return print(HELP, 0);
    return serve(values.transport);
  }
  if (command === 'db') {
    if (values.help) return print(HELP_DB, 0);
    return dbCommand(
      [sub, ...rest].filter((a) => a !== undefined),
      values.json === true,
      {
        out: (t) => console.log(t),
        err: (t) => console.error(t),
      },
    );
  }
  if (command === 'doctor') {
    if (values.help) return print(HELP_DOCTOR, 0);
    if (sub !== undefined) return fail(`doctor takes no arguments (got ${sub})`);
    const report = await doctorReport(process.env);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    return report.warnings.length === 0 ? 0 : 1;
  }
  if (command === 'logs') {
    if (values.help || sub === undefined) return print(HELP_LOGS, values.help ? 0 : 2);
    if (rest.length > 0 || (sub !== 'verify' && sub !== 'head'))
      return fail(`unknown logs command: ${[sub, ...rest].join(' ')}`);
    if (sub === 'head') {
      if (values['expect-head'] !== undefined) return fail('--expect-head is an option of logs verify');
      const head = await logsHead(process.env);
      if (values.json) console.log(JSON.stringify(head, null, 2));
      else console.log(head.ok ? (head.head ?? '(empty chain)') : `FAILED: ${head.problem}`);
      return head.ok ? 0 : 1;
    }
    let expectHead: ChainHead | undefined;
    try {
      expectHead = values['expect-head'] === undefined ? undefined : parseHead(values['expect-head']);
    } catch (err) {
      return fail(errorMessage(err));
    }
    const outcome = await verifyLogs(process.env, expectHead);
    if (values.json) console.log(JSON.stringify(outcome, null, 2));
    else
      console.log(
        outcome.ok
          ? `ok: ${outcome.requests} requests, ${outcome.chainEvents} chain events intact (${outcome.path})`
          : `FAILED: ${outcome.problem}`,
      );
    return outcome.ok ? 0 : 1;
  }
  return fail(`unknown command: ${command}`);
}

function print(text: string, code: number): number {
  (code === 0 ? console.log : console.error)(text);
  return code;
}

function fail(message: string): number {
  console.error(`llm-cli-gateway: ${message}\nRun 'llm-cli-gateway --help' for usage.`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`llm-cli-gateway: ${errorMessage(err)}`);
    process.exitCode = 2;
  },
);

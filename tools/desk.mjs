#!/usr/bin/env node
// `npm run desk`: one command to see the reviewer desk on the demo book.
//   1. builds the workspace (tsc -b) and the desk (vite build);
//   2. seeds the demo book into the default database if it does not exist
//      (`closegate-engine demo`: demo pack + one recon pass);
//   3. starts the engine's MCP server (Streamable HTTP, header-trust, loopback)
//      and the agent service (`closegate-agent serve`, scripted backend,
//      loopback) with a fresh random service token that is never printed;
//   4. prints the desk URL and the one-time login link.
// Ctrl-C stops both servers.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `usage: npm run desk [-- options]

Builds what it needs, seeds the demo book if the database is absent, starts the
engine's MCP server and the agent service on loopback (scripted agent backend),
and prints the desk URL with a one-time login link.

options:
  --db PATH        recon database (default: $CLOSEGATE_DB, else ./.closegate/recon.db)
  --agent-db PATH  agent transcripts (default: next to the database, agent.db)
  --port N         desk port (default 8780; 0 = any free port)
  --user NAME      who the one-time login link logs in (default alice: human:alice)
  --no-build       skip the builds (use what is built)
  --from-source    run the CLIs from their TypeScript sources (tsx) instead of dist/
  --json           print {url, loginUrl, db} as one JSON line once ready
  -h, --help       this help`;

function fail(message) {
  console.error(`npm run desk: ${message}`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      db: { type: 'string' },
      'agent-db': { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      'no-build': { type: 'boolean' },
      'from-source': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (err) {
  fail(`${err.message}\n\n${HELP}`);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const port = values.port ?? '8780';
if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) fail('--port must be 0-65535');
const user = values.user ?? 'alice';
if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user)) fail('--user must match [A-Za-z0-9._@-]{1,64}');
const db = path.resolve(values.db ?? process.env.CLOSEGATE_DB ?? './.closegate/recon.db');
const agentDb = path.resolve(values['agent-db'] ?? path.join(path.dirname(db), 'agent.db'));
// Progress goes to stderr so --json keeps stdout to one line.
const say = (line) => console.error(line);

function run(command, args, label) {
  say(`desk: ${label}`);
  // Their output goes to stderr: stdout carries only the URL and login link (or --json).
  const r = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) fail(`${label} failed (exit ${r.status ?? r.signal})`);
}

/** node + args for a workspace package's CLI, built or from source. */
function cli(pkg) {
  if (values['from-source']) {
    const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    return [
      process.execPath,
      ['--conditions=source', '--import', loader, path.join(ROOT, `packages/${pkg}/src/cli/main.ts`)],
    ];
  }
  const main = path.join(ROOT, `packages/${pkg}/dist/cli/main.js`);
  if (!fs.existsSync(main)) fail(`${main} is missing: run without --no-build`);
  return [process.execPath, [main]];
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!values['no-build']) {
  if (!values['from-source']) run(npm, ['run', '-s', 'build'], 'building the workspace (tsc -b)');
  run(npm, ['run', '-s', 'build', '-w', 'closegate-desk'], 'building the desk (vite build)');
}

if (!fs.existsSync(db)) {
  fs.mkdirSync(path.dirname(db), { recursive: true, mode: 0o700 });
  const [node, args] = cli('closegate-engine');
  run(node, [...args, 'demo', '--db', db], `seeding the demo book into ${db}`);
} else say(`desk: using the existing book ${db}`);

// One fresh secret per start: the engine trusts the actor header only with it.
const token = randomBytes(32).toString('base64url');
const childEnv = {
  ...process.env,
  CLOSEGATE_AUTH_BACKEND: 'header-trust',
  CLOSEGATE_SERVICE_TOKEN: token,
  CLOSEGATE_AGENT_BACKEND: 'scripted',
};
const children = [];

function stopAll(code) {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** Starts a child and resolves with the first match of `pattern` on its stdout or stderr. */
function start(label, node, args, pattern, echoStderr) {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let buffer = '';
    let found = false;
    const scan = (chunk, isErr) => {
      const text = chunk.toString('utf8');
      if (isErr && (echoStderr || !found)) process.stderr.write(text.replaceAll(token, '***'));
      if (found) return;
      buffer += text;
      const m = pattern.exec(buffer);
      if (m) {
        found = true;
        resolve(m);
      }
    };
    child.stdout.on('data', (c) => scan(c, false));
    child.stderr.on('data', (c) => scan(c, true));
    child.on('exit', (code, signal) => {
      say(`desk: ${label} ${found ? 'stopped' : 'exited before it was ready'} (${code ?? signal})`);
      stopAll(found ? (code ?? 1) : 1);
    });
  });
}

const [engineNode, engineArgs] = cli('closegate-engine');
const engineUrl = (
  await start(
    'the engine MCP server',
    engineNode,
    [...engineArgs, 'mcp', 'serve', '--http', '--host', '127.0.0.1', '--port', '0', '--db', db],
    /listening on (http:\/\/\S+)/,
    true,
  )
)[1];

const [agentNode, agentArgs] = cli('closegate-agent');
const ready = JSON.parse(
  (
    await start(
      'the agent service',
      agentNode,
      [
        ...agentArgs,
        'serve',
        '--engine-url',
        engineUrl,
        '--host',
        '127.0.0.1',
        '--port',
        port,
        '--dev-user',
        user,
        '--backend',
        'scripted',
        '--agent-db',
        agentDb,
        '--json',
      ],
      /^(\{.*"url".*\})$/m,
      true,
    )
  )[1],
);

if (values.json) {
  console.log(JSON.stringify({ url: ready.url, loginUrl: ready.devLoginUrl, db }));
} else {
  console.log(`
closegate desk is running on the demo book (${db})
  desk:              ${ready.url}/
  one-time login:    ${ready.devLoginUrl}   (as human:${user}; works once, from this machine)
  engine MCP server: ${engineUrl} (loopback, header-trust)
Press Ctrl-C to stop.`);
}

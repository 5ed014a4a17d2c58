/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script run by node */
/* global require, module */
'use strict';
// Shared engine of the fake provider CLIs used by the tests and the benchmark.
// Each fake reproduces its real CLI's output format (captured from the real
// CLIs, see ../fixtures/help) and is steered by env vars:
//   FAKE_CLI_MODE    ok | error | exit | hang | grandchild | flood | echo-argv | echo-env | slow | turn-failed
//   FAKE_CLI_MARKER  file to append one line to, proving the fake ran
//   FAKE_CLI_PIDFILE file receiving "<pid> <grandchild pid>" (hang, grandchild)
//   FAKE_CLI_DELAY_MS delay for slow mode
//   FAKE_CLI_MCP_CAPTURE file receiving {argv, path, config} of the --mcp-config file (mcp_managed tests)
//   (mode chatty-hang: prints one progress line, then hangs like hang)
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');

function readStdin() {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function flagValue(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined;
    if (argv[i].startsWith(name + '=')) return argv[i].slice(name.length + 1);
    if (argv[i] === name) return argv[i + 1];
  }
  return undefined;
}

function hang(withGrandchild) {
  const pidfile = process.env.FAKE_CLI_PIDFILE;
  let gc;
  if (withGrandchild) {
    // The grandchild ignores SIGTERM: only a group SIGKILL removes it.
    gc = spawn(process.execPath, ['-e', "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"], {
      stdio: 'ignore',
    });
  }
  if (pidfile) fs.writeFileSync(pidfile, `${process.pid} ${gc ? gc.pid : ''}\n`);
  setInterval(() => {}, 1000);
}

function flood() {
  const chunk = 'x'.repeat(64 * 1024);
  const write = () => {
    while (process.stdout.write(chunk)) {
      /* keep writing */
    }
    process.stdout.once('drain', write);
  };
  write();
}

/**
 * @param {string} name
 * @param {{ prompt(argv: string[], stdin: string): string, ok(ctx): void, error(ctx): void, failed?(ctx): void, sessionId(argv): string | undefined }} provider
 */
function run(name, provider) {
  const argv = process.argv.slice(2);
  const mode = process.env.FAKE_CLI_MODE || 'ok';
  if (process.env.FAKE_CLI_MARKER) {
    fs.appendFileSync(process.env.FAKE_CLI_MARKER, `${name} ${process.pid}\n`);
  }
  if (argv.includes('--version') || argv.includes('-v') || argv.includes('-V')) {
    process.stdout.write(`${name}-fake 1.2.3\n`);
    return;
  }
  if (process.env.FAKE_CLI_MCP_CAPTURE) {
    // Proves what an mcp_managed launch received: argv and the MCP config file's content.
    const file = flagValue(argv, '--mcp-config');
    const config = file ? fs.readFileSync(file, 'utf8') : null;
    fs.writeFileSync(process.env.FAKE_CLI_MCP_CAPTURE, JSON.stringify({ argv, path: file, config }));
  }
  if (mode === 'hang') return hang(true);
  if (mode === 'chatty-hang') {
    process.stdout.write('progress before the crash\n');
    return hang(true);
  }
  if (mode === 'grandchild') return hang(true);
  if (mode === 'flood') return flood();
  if (mode === 'exit') {
    process.stderr.write(`${name}: fatal: something broke (fake exit)\n`);
    process.exit(3);
  }
  const stdin = readStdin();
  const prompt = provider.prompt(argv, stdin);
  const ctx = {
    argv,
    stdin,
    prompt,
    sessionId: provider.sessionId(argv) || crypto.randomUUID(),
    reply: `fake ${name} reply to ${prompt.length} chars`,
  };
  if (mode === 'echo-argv') ctx.reply = JSON.stringify({ argv, stdin, cwd: process.cwd() });
  if (mode === 'echo-env') ctx.reply = JSON.stringify(process.env);
  if (mode === 'error') return provider.error(ctx);
  if (mode === 'turn-failed' && provider.failed) return provider.failed(ctx);
  if (mode === 'slow') {
    setTimeout(() => provider.ok(ctx), Number(process.env.FAKE_CLI_DELAY_MS || 200));
    return;
  }
  provider.ok(ctx);
}

module.exports = { run, flagValue };

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonToolResult, principalFrom, serveStdio } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/stdio-whoami-server.ts', import.meta.url));
const nodeArgs = ['--conditions=source', '--import', 'tsx', fixture];

describe('serveStdio', () => {
  it('whoami returns the principal fixed by the process environment', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: nodeArgs,
      env: { ...process.env, FIXTURE_ACTOR: 'llm:stdio-7' } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent).toEqual({ id: 'llm:stdio-7', transport: 'stdio' });
      const noisy = await client.callTool({ name: 'noisy', arguments: {} });
      expect(noisy.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('writes nothing but JSON-RPC to stdout, logs and console output go to stderr', async () => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const send = (msg: object) => child.stdin.write(JSON.stringify(msg) + '\n');
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline)
          throw new Error(`timeout waiting for ${pattern}; stdout=${stdout} stderr=${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    await waitFor(/"id":1/);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'noisy', arguments: {} } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    await waitFor(/"id":3/);
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));

    const lines = stdout.split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBe(3);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { jsonrpc?: string };
      expect(parsed.jsonrpc).toBe('2.0');
    }
    expect(stdout).not.toContain('must not reach');
    expect(stderr).toContain('this line must not reach stdout');
    expect(stderr).toContain('starting stdio fixture');
  });

  it('in-process: the principal is attached to every request, whatever the peer sends', async () => {
    const server = new McpServer({ name: 'inproc', version: '0.0.0' });
    server.registerTool('whoami', { description: 'id' }, (extra) =>
      jsonToolResult({ id: principalFrom(extra).id }),
    );
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const host = await serveStdio(
      server,
      { id: 'human:operator', transport: 'stdio' },
      { stdin, stdout, guardConsole: false },
    );
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    };
    stdin.write(JSON.stringify(init) + '\n');
    stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    // An attacker-shaped call: identity hints in arguments and _meta are ignored.
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'whoami',
        arguments: {},
        _meta: { principal: { id: 'human:ceo', transport: 'stdio' } },
      },
    };
    stdin.write(JSON.stringify(call) + '\n');
    const deadline = Date.now() + 10_000;
    while (!out.includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await host.close();
    expect(out).toContain('human:operator');
    expect(out).not.toContain('human:ceo');
  });
});

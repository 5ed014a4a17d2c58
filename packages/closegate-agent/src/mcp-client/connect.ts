import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { engineCommand } from './engine-command.js';
import {
  EngineConnectionError,
  type ConnectEngineOptions,
  type EngineCallResult,
  type EngineConnection,
  type EngineTier,
  type EngineTool,
} from './types.js';

const ACTOR = /^(human|llm|engine):[A-Za-z0-9._@-]{1,64}$/;
const TIERS = new Set(['T0', 'propose', 'T1', 'T2', 'human', 'T3']);

function tierOf(tool: Tool): EngineTier {
  const t = (tool._meta as Record<string, unknown> | undefined)?.['closegate/tier'];
  return typeof t === 'string' && TIERS.has(t) ? (t as EngineTier) : 'unknown';
}

function toEngineTool(tool: Tool): EngineTool {
  return {
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema as Record<string, unknown>,
    tier: tierOf(tool),
    readOnly: tool.annotations?.readOnlyHint === true,
    destructive: tool.annotations?.destructiveHint === true,
  };
}

function resultOf(raw: unknown): EngineCallResult {
  const r = raw as CallToolResult;
  const text = (r.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { isError: r.isError === true, text, json };
}

function httpHeaders(opts: Extract<ConnectEngineOptions, { url: string }>): Record<string, string> {
  const auth =
    opts.auth ??
    (opts.serviceToken !== undefined
      ? { kind: 'header-trust' as const, serviceToken: opts.serviceToken }
      : { kind: 'none' as const });
  switch (auth.kind) {
    case 'header-trust':
      return { authorization: `Bearer ${auth.serviceToken}`, [auth.header ?? 'x-actor-id']: opts.actor };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'none':
      return {};
  }
}

/**
 * Connects to the closegate engine's MCP server as ONE actor, with the official
 * SDK client. The credential lives in this closure (HTTP headers, or the stdio
 * child's environment) and is never exposed: callers get listTools/callTool only,
 * and callTool sends exactly the given arguments with no `_meta`.
 */
export async function connectEngine(opts: ConnectEngineOptions): Promise<EngineConnection> {
  if (!ACTOR.test(opts.actor))
    throw new EngineConnectionError(
      'ACTOR_INVALID',
      `actor must be human:<id>, llm:<id> or engine:<id>, got ${JSON.stringify(opts.actor)}`,
    );
  const client = new Client({ name: 'closegate-agent', version: '0.1.0' });
  let transport: StdioClientTransport | StreamableHTTPClientTransport;
  let kind: 'stdio' | 'http';
  let stderr = '';
  if ('url' in opts) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new EngineConnectionError('ENGINE_URL_INVALID', `not a URL: ${JSON.stringify(opts.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EngineConnectionError('ENGINE_URL_INVALID', 'the engine URL must be http(s)');
    transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: httpHeaders(opts) } });
    kind = 'http';
  } else {
    const spec: { command: string; args: string[]; cwd?: string | undefined } =
      'stdio' in opts ? opts.stdio : engineCommand({ db: opts.db, policy: opts.policy });
    const env: Record<string, string> = {
      ...getDefaultEnvironment(),
      MCP_LOG_LEVEL: process.env.MCP_LOG_LEVEL ?? 'warn',
      ...('stdio' in opts ? (opts.stdio.env ?? {}) : {}),
      ...(process.env.CLOSEGATE_ENV ? { CLOSEGATE_ENV: process.env.CLOSEGATE_ENV } : {}),
      ...(process.env.CLOSEGATE_POLICY ? { CLOSEGATE_POLICY: process.env.CLOSEGATE_POLICY } : {}),
      // last: nothing else can choose the child's actor
      CLOSEGATE_ACTOR_ID: opts.actor,
    };
    transport = new StdioClientTransport({
      command: spec.command,
      args: spec.args,
      env,
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    kind = 'stdio';
  }
  try {
    await client.connect(transport);
  } catch (err) {
    const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
    throw new EngineConnectionError(
      'ENGINE_UNAVAILABLE',
      `cannot connect to the closegate engine (${(err as Error).message})${detail}`,
    );
  }
  let toolsCache: EngineTool[] | null = null;
  return {
    actor: opts.actor,
    transport: kind,
    async listTools() {
      if (toolsCache === null) {
        const all: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.listTools(cursor === undefined ? {} : { cursor });
          all.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        toolsCache = all.map(toEngineTool);
      }
      return toolsCache;
    },
    async callTool(name, args, o = {}) {
      const raw = await client.callTool(
        { name, arguments: args },
        undefined,
        o.signal ? { signal: o.signal } : {},
      );
      return resultOf(raw);
    },
    async close() {
      await client.close();
    },
  };
}

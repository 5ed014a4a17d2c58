import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServerConfig } from '../config/schema.js';

export interface ManagedMcpConfig {
  /** Absolute path of the generated JSON file (0600, in a private 0700 directory). */
  readonly path: string;
  readonly servers: readonly string[];
  /** Removes the file and its directory; idempotent. */
  cleanup(): void;
}

/**
 * Writes the per-request MCP configuration of an approved managed Claude
 * request: only the requested servers, each of which must be configured as
 * eligible. Claude runs it with `--strict-mcp-config`, so the user's other
 * MCP servers are not loaded. An empty request yields an empty server map.
 */
export function writeManagedMcpConfig(
  requested: readonly string[],
  eligible: Readonly<Record<string, McpServerConfig>>,
  baseDir: string = tmpdir(),
): ManagedMcpConfig {
  const names = [...new Set(requested)];
  const mcpServers: Record<
    string,
    { type: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  > = {};
  for (const name of names) {
    const server = Object.hasOwn(eligible, name) ? eligible[name] : undefined;
    if (server === undefined) throw new Error(`MCP server ${name} is not eligible`);
    mcpServers[name] = {
      type: 'stdio',
      command: server.command,
      args: [...server.args],
      env: { ...server.env },
    };
  }
  const dir = mkdtempSync(join(baseDir, 'llm-gw-mcp-')); // mkdtemp creates it 0700
  const path = join(dir, 'mcp-config.json');
  writeFileSync(path, JSON.stringify({ mcpServers }, null, 2), { mode: 0o600, flag: 'wx' });
  return { path, servers: names, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

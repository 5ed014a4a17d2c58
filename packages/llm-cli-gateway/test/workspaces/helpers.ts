import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { jsonOf } from '../helpers/mcp-client.js';
import { tempDir } from '../helpers/env.js';
import { ALICE_TOKEN, startHttpGateway, TWO_PRINCIPALS } from '../http/http-gateway.js';

/**
 * An HTTP gateway (two principals plus `toml`) whose fake CLI writes `marker` when it
 * runs, so a test can prove a refused request never spawned it; `alice` is connected.
 */
export async function startMarkedGateway(toml: string, fakeCliMode: string) {
  const gw = await startHttpGateway(`${TWO_PRINCIPALS}\n${toml}`, { FAKE_CLI_MODE: fakeCliMode });
  const marker = join(gw.dir, 'marker');
  gw.env.FAKE_CLI_MARKER = marker;
  return { gw, marker, alice: await gw.connect(ALICE_TOKEN) };
}

export type ErrorBody = { error: { code: string; message: string } };

/** Two workspaces (a, b) with a subdirectory, a symlink pointing outside, and an outside dir. */
export function workspaceTree() {
  const t = tempDir('gw-ws-');
  const root = realpathSync(t.dir);
  const a = join(root, 'a');
  const b = join(root, 'b');
  const outside = join(root, 'outside');
  for (const d of [a, join(a, 'sub'), b, outside]) mkdirSync(d, { recursive: true, mode: 0o700 });
  symlinkSync(outside, join(a, 'escape-link'));
  symlinkSync(join(a, 'sub'), join(a, 'inner-link'));
  return { root, a, b, outside, cleanup: t.cleanup };
}

export function workspacesToml(
  tree: { a: string; b: string },
  opts: { defaultAlias?: string; a?: string; b?: string } = {},
): string {
  return [
    '[workspaces]',
    opts.defaultAlias === undefined ? '' : `default = "${opts.defaultAlias}"`,
    '',
    '[workspaces.a]',
    `path = "${tree.a}"`,
    opts.a ?? '',
    '',
    '[workspaces.b]',
    `path = "${tree.b}"`,
    opts.b ?? '',
    '',
  ].join('\n');
}

export async function callError(client: Client, name: string, args: Record<string, unknown>) {
  const res = await client.callTool({ name, arguments: args });
  if (res.isError !== true) return { code: 'OK', message: '' };
  return jsonOf<ErrorBody>(res).error;
}

export function markerLines(marker: string): string[] {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : [];
}

/** `error_code` (or OK) and `permission_level` of every flight-recorder row, oldest first. */
export function recordedRows(home: string): Array<{ code: string; level: string | null }> {
  const db = new Database(join(home, 'logs.db'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT error_code, permission_level FROM requests ORDER BY rowid')
      .all() as Array<{ error_code: string | null; permission_level: string | null }>;
    return rows.map((r) => ({ code: r.error_code ?? 'OK', level: r.permission_level }));
  } finally {
    db.close();
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS, sendText } from './respond.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The desk's built assets. A path resolves inside `root` only (no `..`, no
 * symlink escape); an unknown path without an extension gets index.html (SPA
 * routes); an unknown file with an extension is a 404.
 */
export function serveStatic(root: string | null, pathname: string, res: ServerResponse, head: boolean): void {
  if (root === null) {
    sendText(res, 404, 'closegate agent service: no desk assets configured (build packages/closegate-desk)');
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(res, 400, 'bad path');
    return;
  }
  if (decoded.includes('\0')) {
    sendText(res, 400, 'bad path');
    return;
  }
  const realRoot = fs.realpathSync(root);
  let file = path.resolve(realRoot, `.${path.posix.normalize(`/${decoded}`)}`);
  let found = isFileInside(file, realRoot);
  if (!found && path.extname(decoded) === '') {
    file = path.join(realRoot, 'index.html');
    found = isFileInside(file, realRoot);
  }
  if (!found) {
    sendText(res, 404, 'not found');
    return;
  }
  const data = fs.readFileSync(file);
  const immutable = /\/assets\/[^/]+-[A-Za-z0-9_-]{6,}\.\w+$/.test(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(data.length),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(head ? undefined : data);
}

function isFileInside(file: string, root: string): boolean {
  try {
    const real = fs.realpathSync(file);
    return (real === root || real.startsWith(root + path.sep)) && fs.statSync(real).isFile();
  } catch {
    return false;
  }
}

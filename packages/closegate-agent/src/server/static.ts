import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chooseCoding, CODINGS, noneMatch, type ContentCoding } from './encoding.js';
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

/** Text types worth compressing (images and fonts here are compressed formats already). */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.svg',
  '.txt',
  '.webmanifest',
]);
/** Below this a compressed body saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 512;
/** Files above this are served as they are, read per request, never held in memory. */
const MAX_CACHED_BYTES = 8 * 1024 * 1024;
/** Distinct files kept (the desk has a few dozen); the oldest is dropped beyond it. */
const MAX_CACHED_FILES = 512;
/**
 * Brotli's best quality costs seconds of CPU on a large bundle (~2.5 s for 400 KB here);
 * above this size quality 9 gets within ~10% of it in a quarter of the time.
 */
const BROTLI_MAX_QUALITY_BYTES = 64 * 1024;

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

interface Representation {
  body: Buffer;
  etag: string;
}

/**
 * One file as served: its bytes, the stat they came from, and its compressed forms, each
 * computed on its own (a gzip request never waits for brotli); null when not smaller.
 */
interface Asset {
  stamp: string;
  type: string;
  compressible: boolean;
  identity: Representation;
  encoded: Partial<Record<ContentCoding, Promise<Representation | null>>>;
}

function stampOf(st: fs.Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** Strong entity tag of the bytes, one per representation (a compressed body is another representation). */
function etagOf(digest: string, coding?: ContentCoding): string {
  return coding === undefined ? `"${digest}"` : `"${digest}-${coding}"`;
}

async function compress(coding: ContentCoding, data: Buffer): Promise<Buffer> {
  if (coding === 'gzip') return gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION });
  return brotli(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]:
        data.length <= BROTLI_MAX_QUALITY_BYTES ? zlib.constants.BROTLI_MAX_QUALITY : 9,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

/** Reads one file and starts compressing it (text), off the event loop (zlib runs on the thread pool). */
async function loadAsset(file: string, stamp: string): Promise<Asset> {
  const ext = path.extname(file).toLowerCase();
  const data = await fs.promises.readFile(file);
  const digest = createHash('sha256').update(data).digest('base64url').slice(0, 27);
  const compressible = COMPRESSIBLE.has(ext);
  const encoded: Asset['encoded'] = {};
  if (compressible && data.length >= MIN_COMPRESS_BYTES) {
    for (const coding of CODINGS)
      encoded[coding] = compress(coding, data).then(
        (body) => (body.length < data.length ? { body, etag: etagOf(digest, coding) } : null),
        // a compressor failure costs the compression, never the answer
        () => null,
      );
  }
  return {
    stamp,
    type: TYPES[ext] ?? 'application/octet-stream',
    compressible,
    identity: { body: data, etag: etagOf(digest) },
    encoded,
  };
}

/**
 * The desk's built assets. A path resolves inside `root` only (no `..`, no
 * symlink escape); an unknown path without an extension gets index.html (SPA
 * routes); an unknown file with an extension is a 404.
 *
 * Text assets are sent brotli- or gzip-compressed when the request's
 * Accept-Encoding allows it (`Vary: Accept-Encoding`, `Content-Encoding`), each
 * representation with its own strong ETag and a 304 for a matching
 * If-None-Match. A file is read and compressed once, on first request, and kept
 * until its stat (inode, size, mtime) changes.
 */
export class StaticAssets {
  readonly #cache = new Map<string, { stamp: string; asset: Promise<Asset> }>();

  constructor(private readonly root: string | null) {}

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const root = this.root;
    if (root === null) {
      sendText(
        res,
        404,
        'closegate agent service: no desk assets configured (build packages/closegate-desk)',
      );
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
    let found = fileInside(file, realRoot);
    if (found === null && path.extname(decoded) === '') {
      file = path.join(realRoot, 'index.html');
      found = fileInside(file, realRoot);
    }
    if (found === null) {
      sendText(res, 404, 'not found');
      return;
    }
    const asset = await this.#asset(found.real, found.stat);
    await send(req, res, asset, /\/assets\/[^/]+-[A-Za-z0-9_-]{6,}\.\w+$/.test(file));
  }

  #asset(file: string, st: fs.Stats): Promise<Asset> {
    const stamp = stampOf(st);
    if (st.size > MAX_CACHED_BYTES) return loadAsset(file, stamp);
    const cached = this.#cache.get(file);
    if (cached?.stamp === stamp) return cached.asset;
    const asset = loadAsset(file, stamp);
    this.#cache.delete(file);
    this.#cache.set(file, { stamp, asset });
    // a failed read is not remembered
    asset.catch(() => {
      if (this.#cache.get(file)?.asset === asset) this.#cache.delete(file);
    });
    while (this.#cache.size > MAX_CACHED_FILES) this.#cache.delete(this.#cache.keys().next().value!);
    return asset;
  }
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  asset: Asset,
  immutable: boolean,
): Promise<void> {
  const header = req.headers['accept-encoding'];
  const chosen = chooseCoding(
    Array.isArray(header) ? header.join(',') : header,
    Object.keys(asset.encoded) as ContentCoding[],
  );
  const encoded = chosen === 'identity' ? null : await asset.encoded[chosen]!;
  const coding = encoded === null ? 'identity' : chosen;
  const rep = encoded ?? asset.identity;
  const common: Record<string, string> = {
    ...SECURITY_HEADERS,
    etag: rep.etag,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    // the body depends on Accept-Encoding for every text type, also when sent as is
    ...(asset.compressible ? { vary: 'Accept-Encoding' } : {}),
  };
  if (noneMatch(req.headers['if-none-match'], rep.etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...common,
    'content-type': asset.type,
    'content-length': String(rep.body.length),
    ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
  });
  res.end(req.method === 'HEAD' ? undefined : rep.body);
}

function fileInside(file: string, root: string): { real: string; stat: fs.Stats } | null {
  try {
    const real = fs.realpathSync(file);
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    const stat = fs.statSync(real);
    return stat.isFile() ? { real, stat } : null;
  } catch {
    return null;
  }
}

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { chooseCoding, noneMatch } from '../../src/server/encoding.js';
import { quiet, SERVICE_TOKEN, tempDir } from './helpers.js';

/** A raw GET/HEAD on loopback: no automatic Accept-Encoding, no automatic decompression. */
function get(
  base: string,
  pathname: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathname, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const JS = `export const rows = [${Array.from({ length: 400 }, (_, i) => `{ id: ${i}, label: "row ${i}" }`).join(',\n')}];\n`;
const HTML = `<!doctype html><html><head><title>desk</title></head><body>${'<div class="row">closegate</div>\n'.repeat(60)}</body></html>`;
const PNG = Buffer.alloc(4096, 7);
/** Above the size brotli gets its best quality for: compressed at a cheaper quality, still correct. */
const BIG = Array.from(
  { length: 6000 },
  (_, i) => `export function f${i}(x) { return x * ${i} + ${i % 13}; }`,
).join('\n');

let dir: string;
let service: RunningServer;
beforeAll(async () => {
  dir = tempDir('closegate-desk-gzip-');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), HTML);
  fs.writeFileSync(path.join(dir, 'assets', 'app-Zx81Kq2p.js'), JS);
  fs.writeFileSync(path.join(dir, 'assets', 'tiny-Ab12Cd34.css'), 'a{b:c}');
  fs.writeFileSync(path.join(dir, 'assets', 'logo-Qw12Er34.png'), PNG);
  fs.writeFileSync(path.join(dir, 'assets', 'vendor-Big12345.js'), BIG);
  service = await startServer({
    // never called: these tests fetch static assets only
    engine: { url: 'http://127.0.0.1:9/mcp', serviceToken: SERVICE_TOKEN },
    assetsDir: dir,
    logger: quiet(),
  });
}, 30_000);
afterAll(async () => {
  await service?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('desk assets: compressed text, negotiated and revalidated', () => {
  it('sends brotli when accepted, gzip when only gzip is, and the bytes decompress to the file', async () => {
    const br = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(Buffer.byteLength(JS) / 4);
    expect(zlib.brotliDecompressSync(br.body).toString('utf8')).toBe(JS);
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers['content-security-policy']).toContain("default-src 'self'");

    const gz = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString('utf8')).toBe(JS);

    const plain = await get(service.url, '/assets/app-Zx81Kq2p.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString('utf8')).toBe(JS);

    // three representations, three strong ETags
    const tags = [br, gz, plain].map((r) => r.headers.etag);
    expect(new Set(tags).size).toBe(3);
    for (const t of tags) expect(t).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('honours q-values: br;q=0 gets gzip, identity preferred gets identity, *;q=0 is respected', async () => {
    const noBr = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(noBr.headers['content-encoding']).toBe('gzip');
    const none = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'gzip;q=0, br;q=0' });
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.toString('utf8')).toBe(JS);
    const star = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': '*' });
    expect(star.headers['content-encoding']).toBe('br');
  });

  it('the SPA fallback (index.html) is compressed too; HEAD sends the headers without the body', async () => {
    const route = await get(service.url, '/escalations/12', { 'accept-encoding': 'gzip' });
    expect(route.headers['content-encoding']).toBe('gzip');
    expect(route.headers['cache-control']).toBe('no-cache');
    expect(zlib.gunzipSync(route.body).toString('utf8')).toBe(HTML);
    const head = await get(service.url, '/escalations/12', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(route.headers['content-length']);
    expect(head.headers.etag).toBe(route.headers.etag);
  });

  it('If-None-Match: 304 for the selected representation only, with ETag and Vary, no body', async () => {
    const gz = await get(service.url, '/index.html', { 'accept-encoding': 'gzip' });
    const etag = gz.headers.etag!;
    const again = await get(service.url, '/index.html', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers.vary).toBe('Accept-Encoding');
    expect(again.headers['content-encoding']).toBeUndefined();
    const weak = await get(service.url, '/index.html', {
      'accept-encoding': 'gzip',
      'if-none-match': `"other", W/${etag}`,
    });
    expect(weak.status).toBe(304);
    // the gzip tag does not validate the identity body
    const plain = await get(service.url, '/index.html', { 'if-none-match': etag });
    expect(plain.status).toBe(200);
    expect(plain.body.toString('utf8')).toBe(HTML);
  });

  it('a changed file gets a new body and a new ETag (the cache follows the file)', async () => {
    const file = path.join(dir, 'assets', 'app-Zx81Kq2p.js');
    const before = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'br' });
    const changed = JS.replace('row 1"', 'row one"');
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await get(service.url, '/assets/app-Zx81Kq2p.js', { 'accept-encoding': 'br' });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(zlib.brotliDecompressSync(after.body).toString('utf8')).toBe(changed);
    const stale = await get(service.url, '/assets/app-Zx81Kq2p.js', {
      'accept-encoding': 'br',
      'if-none-match': before.headers.etag!,
    });
    expect(stale.status).toBe(200);
    fs.writeFileSync(file, JS);
  });

  it('a large bundle is compressed both ways; concurrent first requests share one compression', async () => {
    expect(Buffer.byteLength(BIG)).toBeGreaterThan(64 * 1024);
    const [br, gz, br2] = await Promise.all([
      get(service.url, '/assets/vendor-Big12345.js', { 'accept-encoding': 'br' }),
      get(service.url, '/assets/vendor-Big12345.js', { 'accept-encoding': 'gzip' }),
      get(service.url, '/assets/vendor-Big12345.js', { 'accept-encoding': 'br' }),
    ]);
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).toString('utf8')).toBe(BIG);
    expect(br2.body.equals(br.body)).toBe(true);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString('utf8')).toBe(BIG);
    expect(br.body.length).toBeLessThan(gz.body.length);
  });

  it('tiny text and binary formats go as they are; binary has no Vary', async () => {
    const tiny = await get(service.url, '/assets/tiny-Ab12Cd34.css', { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString('utf8')).toBe('a{b:c}');
    const png = await get(service.url, '/assets/logo-Qw12Er34.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    expect(png.body.equals(PNG)).toBe(true);
    expect(png.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });
});

describe('Accept-Encoding and If-None-Match parsing', () => {
  it('chooses by q-value, ties to br, and never picks a coding the client refused', () => {
    const both = ['br', 'gzip'] as const;
    expect(chooseCoding(undefined, both)).toBe('identity');
    expect(chooseCoding('', both)).toBe('identity');
    expect(chooseCoding('gzip, br', both)).toBe('br');
    expect(chooseCoding('br;q=0.5, gzip;q=0.8', both)).toBe('gzip');
    expect(chooseCoding('BR', both)).toBe('br');
    expect(chooseCoding('x-gzip', both)).toBe('gzip');
    expect(chooseCoding('gzip;q=0.5, identity;q=0.9', both)).toBe('identity');
    expect(chooseCoding('br;q=bogus', both)).toBe('identity');
    expect(chooseCoding('br;q=1.5', both)).toBe('identity');
    expect(chooseCoding('*;q=0', both)).toBe('identity');
    expect(chooseCoding('*;q=0.1, br;q=0', both)).toBe('gzip');
    expect(chooseCoding('br', ['gzip'])).toBe('identity');
    expect(chooseCoding('deflate', both)).toBe('identity');
  });

  it('matches If-None-Match with the weak comparison, lists and *', () => {
    expect(noneMatch(undefined, '"a"')).toBe(false);
    expect(noneMatch('"a"', '"a"')).toBe(true);
    expect(noneMatch('W/"a"', '"a"')).toBe(true);
    expect(noneMatch('"b", "a"', '"a"')).toBe(true);
    expect(noneMatch('*', '"a"')).toBe(true);
    expect(noneMatch('"a-br"', '"a"')).toBe(false);
  });
});

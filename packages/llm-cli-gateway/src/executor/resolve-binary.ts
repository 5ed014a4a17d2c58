import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { GatewayError } from '../errors.js';

const BINARY_NAME = /^[a-z][a-z0-9_-]*$/;

/** What a stat says about a path, enough to tell that it changed (absent: null). */
type Fingerprint = string | null;

function fingerprint(st: Stats | undefined): Fingerprint {
  if (st === undefined) return null;
  // ctime moves on chmod/chown/rename too, so a lost execute bit or a swapped file shows.
  return `${st.dev}:${st.ino}:${st.mode}:${st.mtimeMs}:${st.ctimeMs}`;
}

interface Resolved {
  readonly path: string;
  readonly file: Fingerprint;
  /** The absolute PATH entries searched before the hit: a binary dropped into one of them must win. */
  readonly earlier: ReadonlyArray<readonly [dir: string, fp: Fingerprint]>;
}

/**
 * Last resolution per (name, PATH). A hit is reused only while the file and
 * every directory searched before it stat exactly as they did: a directory's
 * mtime moves when an entry is added, removed or renamed in it, so a binary
 * installed earlier on PATH, or a replaced or chmod-ed one, is resolved anew.
 */
const cache = new Map<string, Resolved>();
/** PATH is fixed per gateway; the bound only keeps a caller that varies it from growing the map. */
const MAX_CACHED = 64;

const stat = (p: string): Stats | undefined => statSync(p, { throwIfNoEntry: false });

function stillValid(hit: Resolved): boolean {
  for (const [dir, fp] of hit.earlier) if (fingerprint(stat(dir)) !== fp) return false;
  return fingerprint(stat(hit.path)) === hit.file;
}

function search(name: string, pathVar: string): Resolved | undefined {
  const earlier: Array<readonly [string, Fingerprint]> = [];
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    // Fingerprint the directory before looking into it, so a change in between invalidates the hit.
    const dirFp = fingerprint(stat(dir));
    try {
      const st = stat(candidate);
      if (st?.isFile() === true) {
        accessSync(candidate, constants.X_OK);
        return { path: candidate, file: fingerprint(st), earlier };
      }
    } catch {
      // not executable here; keep looking
    }
    earlier.push([dir, dirFp]);
  }
  return undefined;
}

/**
 * Finds `name` on PATH and returns its absolute path. Only absolute PATH
 * entries count: an empty or relative entry would make the gateway's cwd part
 * of the search, so a file dropped there could be run.
 */
export function resolveBinary(name: string, pathVar: string | undefined = process.env.PATH): string {
  if (!BINARY_NAME.test(name)) throw new GatewayError('BINARY_NOT_FOUND', `invalid binary name ${name}`);
  const key = `${name}\0${pathVar ?? ''}`;
  const hit = cache.get(key);
  if (hit !== undefined && stillValid(hit)) return hit.path;
  cache.delete(key);
  const found = search(name, pathVar ?? '');
  if (found === undefined) {
    throw new GatewayError(
      'BINARY_NOT_FOUND',
      `${name} is not installed or not on PATH; install it, then retry`,
    );
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, found);
  return found.path;
}

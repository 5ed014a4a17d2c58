import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBinary } from '../src/executor/resolve-binary.js';
import { tempDir } from './helpers/env.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Two PATH directories, `first` searched before `second`, each possibly holding `tool`. */
function twoDirs() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const first = join(t.dir, 'first');
  const second = join(t.dir, 'second');
  mkdirSync(first);
  mkdirSync(second);
  const put = (dir: string, mode = 0o755) => {
    const file = join(dir, 'tool');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, mode);
    return file;
  };
  return { first, second, put, pathVar: `${first}${delimiter}${second}` };
}

// The last resolution is reused; each of these changes must make the next call resolve anew.
describe('resolveBinary reuse of the last resolution', () => {
  it('finds a binary installed later in a directory searched earlier on PATH', () => {
    const { first, second, put, pathVar } = twoDirs();
    const late = put(second);
    expect(resolveBinary('tool', pathVar)).toBe(late);
    const early = put(first);
    expect(resolveBinary('tool', pathVar)).toBe(early);
  });

  it('drops a binary that lost its execute bit or was removed', () => {
    const { first, second, put, pathVar } = twoDirs();
    const early = put(first);
    const late = put(second);
    expect(resolveBinary('tool', pathVar)).toBe(early);
    chmodSync(early, 0o644);
    expect(resolveBinary('tool', pathVar)).toBe(late);
    rmSync(late);
    expect(() => resolveBinary('tool', pathVar)).toThrow(/not installed/);
  });

  it('follows a binary replaced under the same name', () => {
    const { first, second, put, pathVar } = twoDirs();
    const early = put(first);
    expect(resolveBinary('tool', pathVar)).toBe(early);
    // Swapped for a non-executable file by rename (new inode, same path).
    const other = join(second, 'other');
    writeFileSync(other, 'not a program\n');
    chmodSync(other, 0o644);
    renameSync(other, early);
    expect(() => resolveBinary('tool', pathVar)).toThrow(/not installed/);
  });

  it('still refuses relative PATH entries and bad names when a resolution is cached', () => {
    const { first, put, pathVar } = twoDirs();
    put(first);
    expect(resolveBinary('tool', pathVar)).toBe(join(first, 'tool'));
    expect(() => resolveBinary('tool', `.${delimiter}rel`)).toThrow(/not installed/);
    expect(() => resolveBinary('../tool', pathVar)).toThrow(/invalid binary name/);
  });
});

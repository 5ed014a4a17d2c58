import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Things a pure package must not touch: I/O, clock, randomness, environment. */
const FORBIDDEN: [string, RegExp][] = [
  ['file system', /from ['"](node:)?fs(\/promises)?['"]/],
  ['network', /from ['"](node:)?(net|http|https|http2|dgram|tls|dns)['"]/],
  ['child processes', /from ['"](node:)?child_process['"]/],
  ['clock', /Date\.now\(|new Date\(\)|performance\.now\(/],
  ['randomness', /Math\.random\(|randomUUID|randomBytes|getRandomValues/],
  ['environment', /process\.(env|argv|cwd)/],
  ['global fetch', /\bfetch\(/],
];

describe('purity', () => {
  const files = sourceFiles(SRC);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const [what, pattern] of FORBIDDEN) {
    it(`no ${what} in src/`, () => {
      const offenders = files.filter((file) => pattern.test(readFileSync(file, 'utf8')));
      expect(offenders).toEqual([]);
    });
  }

  it('uses node:crypto only for hashing', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const match = /import \{([^}]*)\} from ['"]node:crypto['"]/.exec(text);
      if (match) expect(match[1]!.trim()).toBe('createHash');
    }
  });

  it('keeps files small', () => {
    for (const file of files) expect(readFileSync(file, 'utf8').split('\n').length, file).toBeLessThan(400);
  });
});

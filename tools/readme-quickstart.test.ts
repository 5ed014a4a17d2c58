import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshClone } from './test-support/fresh-clone.js';

/**
 * "A new user can copy any command from the READMEs or from the CLIs' own output and it
 * works." Every shell block marked `<!-- quickstart -->` in README.md and packages/*\/README.md
 * runs, in document order, from the root of a fresh clone of the committed state, and must
 * exit 0; then the demo runs there and each `Next:` line it prints is executed too.
 *
 * The clone is prepared as `npm ci` leaves a checkout (dependencies installed, packages
 * built; see fresh-clone.ts), so a quick-start line that is just `npm ci` is not run again.
 * Blocks that need a network, credentials or a long-running server are simply not marked.
 */

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARK = '<!-- quickstart -->';

export interface QuickstartBlock {
  file: string;
  line: number;
  script: string;
}

/** The fenced sh/bash block right after each `<!-- quickstart -->` comment of a Markdown file. */
export function quickstartBlocks(file: string, text: string): QuickstartBlock[] {
  const lines = text.split('\n');
  const blocks: QuickstartBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== MARK) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    if (!/^```(sh|bash|shell)\s*$/.test(lines[j] ?? ''))
      throw new Error(`${file}:${i + 1}: ${MARK} must be followed by a \`\`\`sh block`);
    const body: string[] = [];
    let k = j + 1;
    for (; k < lines.length && !lines[k]!.startsWith('```'); k++) body.push(lines[k]!);
    if (k === lines.length) throw new Error(`${file}:${j + 1}: unterminated code block`);
    blocks.push({ file, line: j + 2, script: body.join('\n') });
    i = k;
  }
  return blocks;
}

/** The commands of a block, one per entry: continuation lines joined, comments and `npm ci` dropped. */
export function commandsOf(script: string): string[] {
  const joined = script.replace(/\s*\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '' && !/^npm ci( --[a-z-]+)*$/.test(l));
}

function readmes(): string[] {
  const pkgs = fs
    .readdirSync(path.join(ROOT, 'packages'))
    .map((p) => path.join('packages', p, 'README.md'))
    .filter((f) => fs.existsSync(path.join(ROOT, f)))
    .sort();
  return ['README.md', ...pkgs];
}

let dir: string;
let repo: string;
let env: NodeJS.ProcessEnv;

function sh(command: string, flags: string[] = []) {
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', ...flags, '-c', command], {
    cwd: repo,
    env,
    encoding: 'utf8',
    input: '',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function explain(command: string, r: ReturnType<typeof sh>): string {
  return `${command}\nexit ${r.code}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-quickstart-'));
  repo = freshClone(ROOT, dir);
  // A user's shell: no project settings inherited from the developer's environment.
  env = { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), LANG: 'C.UTF-8' };
  fs.mkdirSync(env.HOME!);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('quick-start blocks', () => {
  it('are found in the root README and in each product README', () => {
    const found = readmes().flatMap((f) => quickstartBlocks(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    const files = new Set(found.map((b) => b.file));
    for (const f of [
      'README.md',
      'packages/closegate-engine/README.md',
      'packages/closegate-agent/README.md',
      'packages/llm-cli-gateway/README.md',
    ])
      expect(files, f).toContain(f);
    expect(commandsOf('a \\\n  b # c\nnpm ci\n# only a comment\nd')).toEqual(['a b', 'd']);
  });

  it('every command exits 0 on a fresh clone', () => {
    for (const file of readmes()) {
      for (const block of quickstartBlocks(file, fs.readFileSync(path.join(repo, file), 'utf8'))) {
        // One shell per block, so a variable a block sets (X=...) holds for its later lines;
        // -x traces each command, so a failure names the one that failed.
        const script = commandsOf(block.script).join('\n');
        if (script === '') continue;
        const r = sh(script, ['-x']);
        expect(r.code, `${file}:${block.line}\n${explain(script, r)}`).toBe(0);
      }
    }
  });
});

describe('"Next:" hints printed by the CLIs', () => {
  it('the demo prints some, and each one works when pasted', () => {
    const demo = sh('npx closegate-engine demo --db hints/recon.db');
    expect(demo.code, explain('demo', demo)).toBe(0);
    const hints = [...demo.stdout.matchAll(/^Next: (.+)$/gm)].map((m) => m[1]!);
    expect(hints.length).toBeGreaterThan(0);
    for (const hint of hints) {
      const r = sh(hint);
      expect(r.code, explain(hint, r)).toBe(0);
    }
  });
});

describe('commands named in the READMEs', () => {
  it('every `closegate-engine <command> [<subcommand>]` in a shell block exists (its --help exits 0)', async () => {
    const { main } = await import('../packages/closegate-engine/src/cli/main.js');
    const seen = new Set<string>();
    for (const file of readmes()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const fence of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
        for (const m of fence[1]!.matchAll(/\bclosegate-engine((?: [a-z][a-z0-9-]*(?=\s|$)){1,2})/gm)) {
          const words = m[1]!.trim().split(' ');
          const key = words.join(' ');
          if (seen.has(key) || words[0] === 'help') continue;
          seen.add(key);
          let err = '';
          const io = {
            out: () => undefined,
            err: (t: string) => void (err += t),
            env: {},
            stderrIsTty: false,
            cwd: ROOT,
          };
          expect(await main([...words, '--help'], io), `${file}: closegate-engine ${key}\n${err}`).toBe(0);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('gateway commands named in the READMEs', () => {
  it('every `llm-cli-gateway <command> [<subcommand>]` in a shell block exists (its --help exits 0)', () => {
    const seen = new Set<string>();
    for (const file of readmes()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const fence of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm))
        for (const m of fence[1]!.matchAll(/\bllm-cli-gateway((?: [a-z][a-z0-9-]*(?=\s|$)){1,2})/gm))
          seen.add(m[1]!.trim());
    }
    seen.delete('help');
    expect(seen.size).toBeGreaterThan(3);
    for (const key of seen) {
      const r = spawnSync(
        process.execPath,
        [path.join(ROOT, 'packages/llm-cli-gateway/bin/llm-cli-gateway.js'), ...key.split(' '), '--help'],
        { encoding: 'utf8', input: '', env: { PATH: process.env.PATH ?? '', HOME: dir } },
      );
      expect(r.status, `llm-cli-gateway ${key}: ${r.stderr}`).toBe(0);
    }
  });
});

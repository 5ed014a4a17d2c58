import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../src/providers/contract.js';
import { ALICE, testGateway } from './helpers/gateway.js';

/** What the fake CLI received, echoed back as its reply. */
interface Echo {
  argv: string[];
  stdin: string;
}

let t: ReturnType<typeof testGateway>;
let pwned: string;
let marker: string;

beforeAll(() => {
  t = testGateway();
  pwned = join(t.dir, 'pwned');
  marker = join(t.dir, 'marker');
  t.env.FAKE_CLI_MODE = 'echo-argv';
});
afterAll(() => t.cleanup());

function corpus(): string[] {
  return [
    '-',
    '--',
    '-p',
    '--help',
    '--model=x',
    '--dangerously-skip-permissions',
    '-c shell_environment_policy.inherit=all',
    `$(touch ${pwned})`,
    `\`touch ${pwned}\``,
    `"; touch ${pwned}; echo "`,
    `'; touch ${pwned}; echo '`,
    `a && touch ${pwned} || true`,
    'line one\nline two\n--model=y\r\n-p',
    '%s%n %x ${HOME} ~ * ? [a-z]',
    '\u202e unicode → 日本語 🚀',
  ];
}

/** Where each provider's fake says the prompt arrived. */
function receivedPrompt(cli: ProviderId, echo: Echo): string {
  const { argv, stdin } = echo;
  switch (cli) {
    case 'claude': {
      const dd = argv.indexOf('--');
      return dd === -1 ? stdin : argv.slice(dd + 1).join('\u0000');
    }
    case 'codex':
      expect(argv[argv.length - 1]).toBe('-');
      return stdin;
    default: {
      const tok = argv.filter((a) => a.startsWith('--prompt='));
      expect(tok).toHaveLength(1);
      return stdin + tok[0]!.slice('--prompt='.length);
    }
  }
}

async function echo(cli: ProviderId, prompt: string): Promise<Echo> {
  const result = await t.gateway.service.run(ALICE, { provider: cli, prompt, options: {} });
  expect(result.error).toBeUndefined();
  return JSON.parse(result.reply) as Echo;
}

describe('injection corpus: the prompt is never a flag and never a shell', () => {
  const clis: ProviderId[] = ['claude', 'codex', 'gemini', 'grok', 'mistral'];
  for (const cli of clis) {
    it(`${cli}: every corpus prompt arrives byte-for-byte, in its data slot`, async () => {
      for (const prompt of corpus()) {
        const got = await echo(cli, prompt);
        expect(receivedPrompt(cli, got)).toBe(prompt);
        if (cli === 'claude') expect(got.argv.slice(-2)).toEqual(['--', prompt]);
      }
      expect(existsSync(pwned)).toBe(false);
    });
  }

  it('a 1 MB prompt reaches claude, codex and gemini intact (on stdin) and never as argv', async () => {
    const big = '--model=x '.repeat(100_000).slice(0, 1_000_000);
    for (const cli of ['claude', 'codex', 'gemini'] as const) {
      const got = await echo(cli, big);
      expect(receivedPrompt(cli, got)).toBe(big);
      expect(got.stdin).toBe(big);
    }
  });

  it('a 1 MB prompt is refused for CLIs that only take it as an argument, before spawn', async () => {
    t.env.FAKE_CLI_MARKER = marker;
    try {
      for (const cli of ['grok', 'mistral'] as const) {
        const r = await t.gateway.service.run(ALICE, {
          provider: cli,
          prompt: 'y'.repeat(1_000_000),
          options: {},
        });
        expect(r.ok).toBe(false);
        expect(r.error?.code).toBe('ADMISSION_REFUSED');
      }
      expect(existsSync(marker)).toBe(false);
    } finally {
      delete t.env.FAKE_CLI_MARKER;
    }
  });

  it('a NUL byte is refused before any CLI is spawned', async () => {
    t.env.FAKE_CLI_MARKER = marker;
    try {
      for (const cli of clis) {
        const r = await t.gateway.service.run(ALICE, {
          provider: cli,
          prompt: 'hello\0--model=x',
          options: {},
        });
        expect(r.ok).toBe(false);
        expect(r.error?.code).toBe('ADMISSION_REFUSED');
        expect(r.error?.message).toMatch(/NUL/);
      }
      expect(existsSync(marker)).toBe(false);
    } finally {
      delete t.env.FAKE_CLI_MARKER;
    }
  });

  it('a model or session id shaped like a flag is refused', async () => {
    const r1 = await t.gateway.service.run(ALICE, {
      provider: 'claude',
      prompt: 'x',
      model: '--dangerously-skip-permissions',
      options: {},
    });
    expect(r1.error?.code).toBe('ADMISSION_REFUSED');
    const r2 = await t.gateway.service.run(ALICE, {
      provider: 'codex',
      prompt: 'x',
      providerSessionId: '--last',
      options: {},
    });
    expect(r2.error?.code).toBe('ADMISSION_REFUSED');
    const r3 = await t.gateway.service.run(ALICE, {
      provider: 'claude',
      prompt: 'x',
      options: { allowedTools: ['Bash', '--evil'] },
    });
    expect(r3.error?.code).toBe('INVALID_INPUT');
    const r4 = await t.gateway.service.run(ALICE, {
      provider: 'claude',
      prompt: 'x',
      options: { notAnOption: true },
    });
    expect(r4.error?.code).toBe('INVALID_INPUT');
  });

  it('options reach the CLI only as declared flags', async () => {
    const got = await echo('claude', 'x');
    expect(got.argv).toEqual(['-p', '--output-format=json', '--', 'x']);
    const r = await t.gateway.service.run(ALICE, {
      provider: 'mistral',
      prompt: 'x',
      model: 'devstral-2',
      options: { agent: 'plan', maxTurns: 3 },
    });
    const v = JSON.parse(r.reply) as Echo;
    expect(v.argv).toEqual(['--prompt=x', '--output=json', '--agent=plan', '--max-turns=3']);
  });
});

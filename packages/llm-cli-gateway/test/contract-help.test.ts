import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitArgs } from '../src/executor/admission.js';
import type { CommandSpec, ProviderContract } from '../src/providers/contract.js';
import { emittableFlags, PROVIDERS, providerList } from '../src/providers/registry.js';

/** Checked-in `--help` output of the real CLIs (see the first line of each file for the version). */
function help(name: string): string {
  return readFileSync(new URL(`./fixtures/help/${name}.txt`, import.meta.url), 'utf8');
}

function codexSection(which: 'exec' | 'resume'): string {
  const text = help('codex');
  const split = text.indexOf('### codex exec resume --help');
  return which === 'exec' ? text.slice(0, split) : text.slice(split);
}

function appears(flag: string, text: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,])${escaped}(?=[\\s,=<\\[]|$)`, 'm').test(text);
}

function helpFor(contract: ProviderContract, command: CommandSpec): string | undefined {
  if (contract.id === 'claude') return help('claude');
  if (contract.id === 'gemini') return help('gemini');
  if (contract.id === 'codex') return codexSection(command.path.includes('resume') ? 'resume' : 'exec');
  return undefined;
}

describe('provider contracts vs the real CLIs', () => {
  for (const contract of [PROVIDERS.claude, PROVIDERS.codex, PROVIDERS.gemini]) {
    for (const command of contract.commands) {
      it(`every flag ${contract.id} ${command.path.join(' ')} may emit is in its real --help`, () => {
        const text = helpFor(contract, command)!;
        const missing = Object.keys(command.flags).filter((f) => !appears(f, text));
        expect(missing).toEqual([]);
      });
    }
  }

  it('the help matcher can fail (flags that do not exist are not found)', () => {
    expect(appears('--no-such-flag', help('claude'))).toBe(false);
    expect(appears('--sandbox', codexSection('resume'))).toBe(false);
    expect(appears('--sandbox', codexSection('exec'))).toBe(true);
  });

  it('every flag a builder emits is in the contract, for any prompt, model and options', () => {
    const prompt = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '-',
        '--',
        '--model=x',
        '-p',
        '--help',
        '$(touch /tmp/pwned)',
        '`id`',
        "'; rm -rf / '",
        'a\nb',
      ),
    );
    for (const contract of providerList()) {
      fc.assert(
        fc.property(
          prompt,
          fc.boolean(),
          fc.option(fc.constantFrom('sonnet', 'gpt-5', 'gemini-2.5-pro')),
          (p, resume, model) => {
            const inv = contract.build({
              prompt: p.replaceAll('\0', ''),
              model: model ?? undefined,
              resumeSessionId: resume && contract.id !== 'grok' ? 'session-123' : undefined,
              options: {},
            });
            admitArgs(contract, inv.args);
            // The prompt sits only where it cannot be a flag: alone after `--`,
            // inside one `--prompt=` token, or on stdin.
            const clean = p.replaceAll('\0', '');
            const dd = inv.args.indexOf('--');
            const afterDashDash = dd !== -1 && inv.args.length === dd + 2 && inv.args[dd + 1] === clean;
            const asFlagValue = inv.args.includes(`--prompt=${clean}`);
            expect(afterDashDash || asFlagValue || inv.stdin === clean).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    }
  });

  it('lists the flags per provider', () => {
    expect(emittableFlags(PROVIDERS.codex)).toContain('--skip-git-repo-check');
    expect(emittableFlags(PROVIDERS.mistral)).not.toContain('--model');
  });
});

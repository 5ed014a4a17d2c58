import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Runs the project's real ESLint config, so this proves `npm run lint` fails
// on a finance amount typed `number`, not just that the rule works in isolation.
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function moneyFindings(code: string, file = 'packages/closegate-policy/src/__lint_probe__.ts') {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'money/no-number-money');
}

describe('money/no-number-money', () => {
  it.each([
    ['an interface property', 'export interface Line { amount: number }'],
    ['a suffixed property', 'export type Line = { totalAmount: number }'],
    ['a parameter', 'export function f(rate: number): void { void rate; }'],
    ['a suffixed parameter', 'export const f = (fxRate: number | string): void => { void fxRate; };'],
    ['a variable', 'export const materialityThreshold: number = 1;'],
    ['a class field', 'export class C { amountUsd: number = 0; }'],
    ['a constructor property', 'export class C { constructor(public amount: number) {} }'],
  ])('fires on %s', async (_label, code) => {
    expect(await moneyFindings(code)).toHaveLength(1);
  });

  it('accepts decimal strings and unrelated numbers', async () => {
    const code = [
      'export interface Line { amount: string; lineCount: number; rateSource: string }',
      'export function f(amount: string, retries: number): string { return amount + retries; }',
    ].join('\n');
    expect(await moneyFindings(code)).toEqual([]);
  });

  it('applies to every closegate package but not to the gateway', async () => {
    const code = 'export const rate: number = 1;';
    expect(await moneyFindings(code, 'packages/closegate-engine/src/__lint_probe__.ts')).toHaveLength(1);
    expect(await moneyFindings(code, 'packages/llm-cli-gateway/src/__lint_probe__.ts')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { admitArgs, admitStdin, MAX_ARG_BYTES } from '../src/executor/admission.js';
import { PROVIDERS } from '../src/providers/registry.js';

const { claude, codex, gemini } = PROVIDERS;

describe('argv admission against the provider contract', () => {
  it('admits what the builders emit', () => {
    expect(() =>
      admitArgs(claude, ['-p', '--output-format=json', '--model=sonnet', '--', '--model=x']),
    ).not.toThrow();
    expect(() => admitArgs(codex, ['exec', '--json', '--skip-git-repo-check', '-'])).not.toThrow();
    expect(() =>
      admitArgs(codex, ['exec', 'resume', '--json', '--config=sandbox_mode="read-only"', 'abc-123', '-']),
    ).not.toThrow();
  });

  it.each([
    [claude, ['-p', '--dangerously-skip-permissions', '--', 'x'], /not in the provider contract/],
    // --mcp-config exists only for the approval gate's own generated file (llm-gw-mcp-XXXXXX/mcp-config.json).
    [claude, ['-p', '--mcp-config=/tmp/evil.json', '--', 'x'], /unsafe shape/],
    [claude, ['-p', '--mcp-config', '/tmp/llm-gw-mcp-abc/../../etc/mcp.json', '--', 'x'], /unsafe shape/],
    [claude, ['-p', '-c', '--', 'x'], /not in the provider contract/],
    [claude, ['-p=1', '--', 'x'], /not in the provider contract/],
    [claude, ['--continue=yes', '--', 'x'], /takes no value/],
    [claude, ['--model', '--dangerously-skip-permissions'], /does not start with '-'/],
    [claude, ['--model', 'sonnet', 'extra', 'positional'], /positional/],
    [claude, ['--permission-mode=yolo', '--', 'x'], /not allowed/],
    [claude, ['--model=-x', '--', 'x'], /unsafe shape/],
    [claude, ['--session-id=not-a-uuid', '--', 'x'], /unsafe shape/],
    [claude, ['--allowed-tools=Bash,--evil', '--', 'x'], /unsafe shape/],
    [codex, ['exec', '--dangerously-bypass-approvals-and-sandbox', '-'], /not in the provider contract/],
    [codex, ['exec', '--sandbox=danger-full-access;rm', '-'], /not allowed/],
    [codex, ['exec', '-c', 'shell_environment_policy.inherit=all', '-'], /not in the provider contract/],
    [codex, ['exec', 'resume', '--config=model_provider="evil"', 'id', '-'], /not allowed/],
    [codex, ['exec', 'resume', '--sandbox=read-only', 'id', '-'], /not in the provider contract/],
    [codex, ['login'], /does not match any allowed command/],
    [codex, ['exec', 'a', 'b'], /positional/],
    [gemini, ['--prompt=x', '--yolo'], /not in the provider contract/],
    [gemini, ['--prompt=x', 'positional-prompt'], /positional/],
    [gemini, ['--prompt=x', '--approval-mode=yolo ', '--output-format=json'], /not allowed/],
  ])('refuses %#: %j', (contract, args, why) => {
    expect(() => admitArgs(contract, args)).toThrow(why);
  });

  it('refuses NUL bytes and oversized arguments', () => {
    expect(() => admitArgs(claude, ['-p', '--', 'a\0b'])).toThrow(/NUL/);
    expect(() => admitArgs(claude, ['-p', '--', 'x'.repeat(MAX_ARG_BYTES + 1)])).toThrow(/exceeds/);
    expect(() => admitStdin('a\0b')).toThrow(/NUL/);
    expect(() => admitStdin('x'.repeat(9 * 1024 * 1024))).toThrow(/exceeds/);
  });
});

import { describe, expect, it } from 'vitest';
import { loadSkill } from '../../src/agent/skills.js';

describe('recon-operator skill allow-list', () => {
  it('does not offer the agent resolve_exception (a human decision; the gate denies llm: anyway)', () => {
    const skill = loadSkill('recon-operator');
    expect(skill.allowedTools.has('flag_exception')).toBe(true);
    expect(skill.allowedTools.has('resolve_exception')).toBe(false);
    expect(skill.allowedTools.has('resolve_escalation')).toBe(false);
  });
});

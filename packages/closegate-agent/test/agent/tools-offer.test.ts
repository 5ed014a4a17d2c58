import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSkillsDir, loadSkill, SkillError } from '../../src/agent/skills.js';
import { offerTools } from '../../src/agent/tool-policy.js';
import { fnBackend, harness, removeTempDirs, tempDir, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

/** A copy of the recon-operator skill whose allow-list also names every server tool. */
function greedySkillDir(allTools: string[]): string {
  const dir = path.join(tempDir(), 'skills', 'recon-operator');
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(defaultSkillsDir(), 'recon-operator');
  fs.copyFileSync(path.join(src, 'prompt.v1.md'), path.join(dir, 'prompt.v1.md'));
  fs.writeFileSync(
    path.join(dir, 'skill.yaml'),
    `name: recon-operator\nversion: 9.9.9\nprompt: prompt.v1.md\ntools:\n${allTools.map((t) => `  - ${t}`).join('\n')}\n`,
  );
  return path.dirname(dir);
}

describe('tools offered to the model', () => {
  it('never offers T3 or human-only tools, even when a skill allow-lists them', async () => {
    const serverTools = await h.engine.listTools();
    const names = serverTools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['close_period', 'resolve_escalation']));
    expect(serverTools.find((t) => t.name === 'close_period')!.tier).toBe('T3');

    const backend = fnBackend(() => ({ content: [{ type: 'text', text: 'nothing to do' }] }));
    await h.run(backend, 'look', { skillsDir: greedySkillDir(names) });
    const offered = backend.requests[0]!.tools.map((t) => t.name);
    expect(offered).not.toContain('close_period');
    expect(offered).not.toContain('resolve_escalation');
    expect(offered).toEqual(expect.arrayContaining(['propose_match', 'confirm_match', 'list_unmatched']));
    for (const t of backend.requests[0]!.tools) {
      expect(Object.keys((t.inputSchema.properties ?? {}) as object)).not.toContain('idempotency_key');
      expect((t.inputSchema.required as string[] | undefined) ?? []).not.toContain('idempotency_key');
      expect(t.inputSchema).not.toHaveProperty('$schema');
      expect(t.inputSchema.additionalProperties).toBe(false);
    }
  });

  it('the shipped skill offers only its allow-list; chat gets the read-only tools', async () => {
    const skill = loadSkill('recon-operator');
    const serverTools = await h.engine.listTools();
    const offer = offerTools(serverTools, skill.allowedTools);
    expect([...offer.tools.keys()].sort()).toEqual([...skill.allowedTools].sort());
    const chat = offerTools(serverTools, skill.allowedTools, { readOnlyOnly: true });
    for (const t of chat.tools.values()) expect(t.engine.tier).toBe('T0');
    expect(chat.tools.has('propose_match')).toBe(false);
  });

  it('drops an untiered or destructive tool whatever its name', () => {
    const base = { description: '', inputSchema: { type: 'object' }, readOnly: false };
    const offer = offerTools(
      [
        { ...base, name: 'mystery', tier: 'unknown', destructive: false },
        { ...base, name: 'wipe', tier: 'T1', destructive: true },
        { ...base, name: 'ok_tool', tier: 'T1', destructive: false },
      ],
      new Set(['mystery', 'wipe', 'ok_tool']),
    );
    expect([...offer.tools.keys()]).toEqual(['ok_tool']);
    expect(offer.dropped.map((d) => d.name)).toEqual(['mystery', 'wipe']);
  });

  it('the skill is versioned and its file validated', () => {
    const skill = loadSkill('recon-operator');
    expect(skill.fingerprint).toMatch(/^\d+\.\d+\.\d+\+sha256:[0-9a-f]{12}$/);
    expect(skill.prompt).toContain('prompt_injection_suspected');
    const dir = path.join(tempDir(), 'bad');
    fs.mkdirSync(path.join(dir, 'recon-operator'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'recon-operator', 'skill.yaml'), 'name: recon-operator\nversion: one\n');
    expect(() => loadSkill('recon-operator', dir)).toThrow(SkillError);
    expect(() => loadSkill('../etc', dir)).toThrow(/invalid skill name/);
  });
});

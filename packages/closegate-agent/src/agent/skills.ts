import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const skillFile = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    prompt: z.string().regex(/^[A-Za-z0-9._-]+\.md$/),
    tools: z.array(z.string().regex(/^[a-z][a-z0-9_]{1,63}$/)).min(1),
    chat_tools: z.literal('read-only').optional(),
  })
  .strict();

export interface Skill {
  name: string;
  version: string;
  /** `<version>+sha256:<12 hex of the prompt>`: recorded with every run. */
  fingerprint: string;
  prompt: string;
  allowedTools: ReadonlySet<string>;
}

export class SkillError extends Error {
  readonly code = 'SKILL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SkillError';
  }
}

/** This package's skills/ directory (works from src/ with tsx and from dist/). */
export function defaultSkillsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../skills');
}

export function loadSkill(name: string, skillsDir = defaultSkillsDir()): Skill {
  if (!/^[a-z][a-z0-9-]{1,63}$/.test(name))
    throw new SkillError(`invalid skill name ${JSON.stringify(name)}`);
  const dir = path.join(skillsDir, name);
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(path.join(dir, 'skill.yaml'), 'utf8'));
  } catch (err) {
    throw new SkillError(`cannot read skill ${name}: ${(err as Error).message}`);
  }
  const parsed = skillFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SkillError(`skill ${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (parsed.data.name !== name) throw new SkillError(`skill ${name}: skill.yaml names ${parsed.data.name}`);
  const prompt = fs.readFileSync(path.join(dir, parsed.data.prompt), 'utf8');
  const digest = createHash('sha256').update(prompt).digest('hex').slice(0, 12);
  return {
    name,
    version: parsed.data.version,
    fingerprint: `${parsed.data.version}+sha256:${digest}`,
    prompt,
    allowedTools: new Set(parsed.data.tools),
  };
}

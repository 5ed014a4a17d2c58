import { describe, expect, it } from 'vitest';
import { ActorError, parseActor } from '../src/index.js';

describe('parseActor (remembers what it parsed)', () => {
  it('hands back one frozen actor per string, and still refuses bad ones after good ones', () => {
    const a = parseActor('human:alice');
    expect(parseActor('human:alice')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => parseActor('human:alice ')).toThrow(ActorError);
    expect(() => parseActor('root:alice')).toThrow(ActorError);
    expect(() => parseActor({ raw: 'human:alice' })).toThrow(ActorError);
  });

  it('parses correctly past the bound of what it remembers', () => {
    for (let i = 0; i < 3000; i++) {
      const actor = parseActor(`llm:agent-${i}`);
      expect(actor).toEqual({ kind: 'llm', id: `agent-${i}`, raw: `llm:agent-${i}` });
    }
    expect(parseActor('engine:matcher')).toEqual({ kind: 'engine', id: 'matcher', raw: 'engine:matcher' });
  });
});

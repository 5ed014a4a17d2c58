import { describe, expect, it } from 'vitest';
import { OutputCollector } from '../src/executor/output.js';

describe('output collector', () => {
  it('never splits a multi-byte character for listeners, and keeps bytes exact', () => {
    const seen: string[] = [];
    const c = new OutputCollector(1024, (_s, t) => seen.push(t));
    const bytes = Buffer.from('日本🚀\n', 'utf8');
    for (const b of bytes) c.take('stdout', Buffer.from([b]));
    expect(seen.join('')).toBe('日本🚀\n');
    expect(seen.every((t) => !t.includes('\ufffd'))).toBe(true);
    expect(c.text('stdout')).toBe('日本🚀\n');
  });

  it('stops at the cap across both streams and keeps only what fits', () => {
    const c = new OutputCollector(10);
    expect(c.take('stdout', Buffer.from('123456'))).toBeUndefined();
    expect(c.take('stderr', Buffer.from('abcdef'))).toEqual({ reason: 'output-cap' });
    expect(c.text('stdout') + c.text('stderr')).toBe('123456abcd');
    expect(c.truncated).toBe(true);
  });

  it('feeds complete stdout lines to the watcher, across chunks', () => {
    const lines: string[] = [];
    const c = new OutputCollector(1024, undefined, (l) => {
      lines.push(l);
      return l === 'STOP' ? 'stopped by watcher' : undefined;
    });
    expect(c.take('stdout', Buffer.from('a\nS'))).toBeUndefined();
    expect(c.take('stderr', Buffer.from('STOP\n'))).toBeUndefined();
    expect(c.take('stdout', Buffer.from('TOP\nb'))).toEqual({
      reason: 'fatal-output',
      message: 'stopped by watcher',
    });
    expect(lines).toEqual(['a', 'STOP']);
  });
});

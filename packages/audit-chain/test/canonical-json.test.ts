import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, MAX_CANONICAL_DEPTH } from '../src/index.js';

/** JSON values canonicalJson accepts: no floats, only safe integers. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.boolean(),
    fc.constant(null),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!).reverse();
  return Object.fromEntries(rotated.map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe('canonicalJson', () => {
  it('is independent of key insertion order (property)', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(10), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('round-trips through JSON.parse (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('sorts keys recursively and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x y' } })).toBe(
      '{"a":{"c":"x y","d":[true,null]},"b":1}',
    );
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '10': 4, '9': 5 })).toBe('{"10":4,"9":5,"Z":3,"z":2,"é":1}');
  });

  it('keeps an amount written as a string exactly, and rejects the same amount as a number', () => {
    const payload = { amount: '1234567890123456789.01', currency: 'USD' };
    const text = canonicalJson(payload);
    expect(text).toBe('{"amount":"1234567890123456789.01","currency":"USD"}');
    expect((JSON.parse(text) as typeof payload).amount).toBe('1234567890123456789.01');
    expect(() => canonicalJson({ amount: 1234.56 })).toThrow(CanonicalJsonError);
  });

  it.each([
    ['a float like 0.1', { x: 0.1 }, '/x'],
    ['NaN', { x: NaN }, '/x'],
    ['Infinity', [Infinity], '/0'],
    ['an unsafe integer', { n: 2 ** 53 }, '/n'],
    ['a bigint', { n: 10n }, '/n'],
    ['a function', { f: () => 1 }, '/f'],
    ['a symbol', { s: Symbol('s') }, '/s'],
    ['undefined inside an array', { a: [1, undefined] }, '/a/1'],
    ['an array hole', { a: new Array<unknown>(3).fill('x', 0, 1) }, '/a/1'],
    ['a Date instance', { when: new Date(0) }, '/when'],
    ['a Map instance', { m: new Map() }, '/m'],
    ['undefined at the root', undefined, ''],
    ['a key needing escape in the path', { 'a/b~': 0.5 }, '/a~1b~0'],
  ])('rejects %s with a typed error naming the path', (_label, value, pointer) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CanonicalJsonError);
    expect(caught).toMatchObject({ code: 'AUDIT_INVALID_JSON', path: pointer });
  });

  it('rejects cycles and excessive nesting instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    let deep: unknown = 'leaf';
    for (let i = 0; i <= MAX_CANONICAL_DEPTH; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/nesting/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: '1' };
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":"1"},"y":{"a":"1"}}');
  });

  it('omits undefined object properties, writes -0 as 0, accepts null-prototype objects', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: '2', a: '1' });
    expect(canonicalJson({ a: undefined, b: -0, c: bare })).toBe('{"b":0,"c":{"a":"1","b":"2"}}');
  });

  it('escapes strings as JSON.stringify does, lone surrogates included', () => {
    const s = 'q"b\\\n\u0001\u2028\ud800é😀';
    expect(canonicalJson(s)).toBe(JSON.stringify(s));
    expect(canonicalJson(s)).toContain('\\ud800');
  });
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatHead } from '../src/index.js';
import { attackerConnection, chainWith } from './helpers.js';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../auditor/verify_chain.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

function runPython(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('python3', [script, ...args], { encoding: 'utf8' });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

// The README hash format, re-implemented in another language with no shared code.
describe.skipIf(!hasPython)('independent Python verifier (auditor/verify_chain.py)', () => {
  it('agrees with the package on a chain full of escaping edge cases', () => {
    const { chain, file } = chainWith(20);
    const odd = ['human:ålice "the" \\auditor', 'llm:模型', 'engine:😀', 'x\u2028y'];
    odd.forEach((actor, i) =>
      chain.append({
        type: 'edge.case',
        actor,
        payload: { note: 'tab\t"q" \u0001 \ud800 é 😀 \u2028', i, deep: { z: [null, true], a: '0.10' } },
      }),
    );
    const head = formatHead(chain.head()!);
    expect(runPython(file)).toEqual({ status: 0, out: `ok: 24 events, head ${head}` });
    expect(runPython(file, '--expect-head', head).status).toBe(0);
  });

  it('finds the same edited row and the same truncation', () => {
    const { chain, file } = chainWith(30);
    const head = formatHead(chain.head()!);
    const raw = attackerConnection(file);
    raw.prepare(`UPDATE audit_events SET payload = '{"amount":"0.00"}' WHERE seq = 12`).run();
    expect(runPython(file)).toEqual({ status: 2, out: 'hash mismatch at seq 12' });
    expect(chain.verify()).toMatchObject({ brokenSeq: 12, reason: 'hash_mismatch' });
    raw.exec('DELETE FROM audit_events WHERE seq >= 12');
    expect(runPython(file).status).toBe(0);
    expect(runPython(file, '--expect-head', head)).toMatchObject({
      status: 2,
      out: expect.stringMatching(/^truncated/),
    });
  });
});

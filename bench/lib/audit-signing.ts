// Signed heads A/B for bench/audit-chain.bench.ts: the same appends into an
// unsigned chain and a signed one (Ed25519 per transaction + side file),
// interleaved round by round so a change in the machine's load hits both.
import path from 'node:path';
import { AuditChain, loadOrCreateKeyFile, openSqlite } from 'audit-chain';

export interface SigningFigures {
  eventsPerSide: number;
  rounds: number;
  batchSize: number;
  batchedUnsignedPerSec: number;
  batchedSignedPerSec: number;
  batchedOverheadPct: number;
  singleUnsignedPerSec: number;
  singleSignedPerSec: number;
  singleOverheadPct: number;
  verifiedSigned: boolean;
}

export function benchSigning(tmp: string, eventsPerSide: number, rounds = 4, batch = 1000): SigningFigures {
  const signer = loadOrCreateKeyFile(path.join(tmp, 'keys', 'audit-signing.key'));
  const plainDb = openSqlite(path.join(tmp, 'sign-off.db'));
  const signedDb = openSqlite(path.join(tmp, 'sign-on.db'));
  const plain = new AuditChain(plainDb);
  const signed = new AuditChain(signedDb, { signer, headLog: path.join(tmp, 'sign-on.heads.jsonl') });
  const event = (i: number) => ({
    type: 'MATCH_CONFIRMED',
    actor: 'engine:autoconfirm',
    payload: { match_id: `m-${i}`, amount: `${i % 100_000}.25`, currency: 'USD', lines: [i, i + 1] },
  });
  // unsigned: a plain IMMEDIATE transaction, as callers wrote before; signed: chain.transaction (seals once)
  const plainTx = plainDb.transaction((from: number, n: number) => {
    for (let i = from; i < from + n; i++) plain.append(event(i));
  });
  const runPlain = (from: number, n: number): void => void plainTx.immediate(from, n);
  const runSigned = (from: number, n: number): void =>
    signed.transaction(() => {
      for (let i = from; i < from + n; i++) signed.append(event(i));
    });
  const perRound = Math.max(batch, Math.floor(eventsPerSide / rounds / batch) * batch);
  const singlePerRound = Math.max(100, Math.floor(perRound / 100));
  const ms = { bp: 0, bs: 0, sp: 0, ss: 0 };
  let next = 0;
  const time = (fn: () => void): number => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  for (let r = 0; r < rounds; r++) {
    const from = next;
    next += perRound + singlePerRound;
    // alternate which side goes first
    const order = r % 2 === 0 ? (['p', 's'] as const) : (['s', 'p'] as const);
    for (const side of order) {
      const run = side === 'p' ? runPlain : runSigned;
      const batched = time(() => {
        for (let i = from; i < from + perRound; i += batch) run(i, batch);
      });
      const single = time(() => {
        for (let i = from + perRound; i < from + perRound + singlePerRound; i++) run(i, 1);
      });
      if (side === 'p') {
        ms.bp += batched;
        ms.sp += single;
      } else {
        ms.bs += batched;
        ms.ss += single;
      }
    }
  }
  const verifiedSigned = signed.verify().ok;
  signed.close();
  plainDb.close();
  signedDb.close();
  const rate = (n: number, t: number): number => Math.round((n / t) * 1000);
  const pct = (off: number, on: number): number => Number((((on - off) / off) * 100).toFixed(1));
  return {
    eventsPerSide: perRound * rounds,
    rounds,
    batchSize: batch,
    batchedUnsignedPerSec: rate(perRound * rounds, ms.bp),
    batchedSignedPerSec: rate(perRound * rounds, ms.bs),
    batchedOverheadPct: pct(ms.bp, ms.bs),
    singleUnsignedPerSec: rate(singlePerRound * rounds, ms.sp),
    singleSignedPerSec: rate(singlePerRound * rounds, ms.ss),
    singleOverheadPct: pct(ms.sp, ms.ss),
    verifiedSigned,
  };
}

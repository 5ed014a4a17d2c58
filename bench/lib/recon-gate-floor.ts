/**
 * The gate's share of the controls' floor in the closegate recon benchmark:
 * the two decisions the pass takes per auto-matched pair (propose, then
 * confirm), through closegate-policy's pure `evaluate`, on subjects shaped as
 * the engine builds them for a one-entity exact pair (gate.ts matchSubjects).
 * No store, no entry loading, no audit: what evaluating the gate per match
 * costs at the least. Added to the audit-row floor it gives the floor under
 * "every proposal and confirmation audited, the gate evaluated per match".
 */
import { evaluate, parseActor, type Policy } from 'closegate-policy';
import { cpuMsSince } from './recon-bare.js';

/** The actors of the pass (recon/types.ts): the matcher proposes, auto-confirm confirms. */
const PROPOSER = parseActor('engine:matcher');
const CONFIRMER = parseActor('engine:autoconfirm');

function amountOf(i: number): string {
  return `${10 + (i % 9_980)}.${String(i % 100).padStart(2, '0')}`;
}

/** CPU of `pairs` propose + confirm decisions; refuses to report a floor the pass would not have allowed. */
export function gateFloor(policy: Policy, pairs: number): { cpuMs: number; decisions: number } {
  const cpu0 = process.cpuUsage();
  let allowed = 0;
  for (let i = 0; i < pairs; i++) {
    const entryIds = [2 * i + 1, 2 * i + 2];
    const proposal = evaluate('propose', { entryIds }, PROPOSER, policy);
    const amount = amountOf(i);
    const subject = {
      kind: 'match',
      matchId: String(i + 1),
      state: 'proposed',
      matchType: 'exact',
      proposedBy: PROPOSER.raw,
      amountUsd: amount,
      entity: 'US01',
      accountCodes: ['1010'],
      localAmount: { amount, currency: 'USD' },
      varianceUsd: '0.00',
    };
    const confirmation = evaluate('confirm', subject, CONFIRMER, policy, {});
    if (proposal.outcome === 'allow' && confirmation.outcome === 'allow') allowed++;
  }
  const cpuMs = cpuMsSince(cpu0);
  // below the materiality threshold every pair is allowed, as the pass's exact pairs are
  if (allowed !== pairs) throw new Error(`gate floor: ${pairs - allowed} of ${pairs} pairs not allowed`);
  return { cpuMs, decisions: 2 * pairs };
}

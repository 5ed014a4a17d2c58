/**
 * controls.md of the evidence bundle: each control, where the code enforces
 * it and the test that proves it (paths relative to the repository root).
 */
const CONTROLS: readonly { name: string; what: string; where: string; proof: string }[] = [
  {
    name: 'Segregation of duties',
    what: 'The proposer of a match (or its session, case-insensitively) never confirms it; an llm never confirms an llm proposal.',
    where:
      'closegate-policy gate (evaluate: SOD_SAME_ACTOR), called by every confirm in closegate-engine operations/confirm.ts',
    proof: 'packages/closegate-engine/test/sod.property.test.ts (property over random operation sequences)',
  },
  {
    name: 'Materiality',
    what: 'A confirm at or above materiality_threshold_usd needs a human approval (T2 escalation).',
    where:
      'closegate-policy gate (MATERIALITY_OVER_THRESHOLD), closegate-engine operations/gate.ts evaluateMatch',
    proof: 'packages/closegate-policy/test (gate tests), packages/closegate-engine/test/operations.test.ts',
  },
  {
    name: 'Sensitive accounts',
    what: 'A confirm or reject touching an account_sensitivity account needs a human.',
    where: 'closegate-policy gate (SENSITIVE_ACCOUNT), closegate-engine operations/confirm.ts and reject.ts',
    proof: 'packages/closegate-engine/test/escalation-resolution.test.ts, packages/closegate-policy/test',
  },
  {
    name: 'Tiers',
    what: 'Every action carries its tier (T0-T3); T2/T3 are escalated, never auto-allowed.',
    where: 'closegate-policy tiers, closegate-engine mcp/tiers.ts',
    proof: 'packages/closegate-policy/test, packages/closegate-engine/test/mcp',
  },
  {
    name: 'Dual approval (T3)',
    what: 'Closing a period needs approvals from the required number of distinct humans, never the requester.',
    where: 'closegate-engine operations/closePeriod.ts (applyPeriodVote) with the closegate-policy gate',
    proof:
      'packages/closegate-engine/test/audit-state.test.ts (two-human close replayed), packages/closegate-policy/test',
  },
  {
    name: 'Escalation records',
    what: 'An escalation is recorded approved only when the requested action was taken; otherwise rejected or superseded.',
    where: 'closegate-engine operations/escalationResolution.ts',
    proof: 'packages/closegate-engine/test/escalation-resolution.test.ts, sod.property.test.ts',
  },
  {
    name: 'Idempotency',
    what: 'A retried call with the same key and arguments returns the first result and writes nothing; other arguments are refused.',
    where: 'closegate-engine operations/runner.ts (idempotency_keys in the same transaction)',
    proof: 'packages/closegate-engine/test/operations.test.ts',
  },
  {
    name: 'Append-only, signed audit trail',
    what: 'audit_events refuses UPDATE/DELETE/REPLACE (triggers); every transaction head is hash-chained and Ed25519-signed with a key outside the database; verify reports forged appends, rewrites, truncation, dropped triggers, and state tables that disagree with the events.',
    where: 'audit-chain (AuditChain, signing/), closegate-engine audit/verifyRecon.ts and audit/replay/',
    proof:
      'packages/audit-chain/test/signed-heads.test.ts, tamper.test.ts, packages/closegate-engine/test/audit-signing.test.ts, audit-state.test.ts, audit-bundle.test.ts',
  },
];

export function controlsMarkdown(): string {
  const lines = [
    '# closegate controls',
    '',
    'Each control, where it is enforced, and the test that proves it. The gate reads no prompt: it applies the policy (policy.yaml in this bundle, version hash in MANIFEST.json) to every action server-side.',
    '',
    '| Control | What | Enforced in | Proven by |',
    '| --- | --- | --- | --- |',
    ...CONTROLS.map((c) => `| ${c.name} | ${c.what} | ${c.where} | ${c.proof} |`),
    '',
  ];
  return lines.join('\n');
}

import type { Engine } from '../../engine.js';
import { escalated, k, proposeRefs, requestClose } from './fixtures.js';
import type { PolicyScenario } from './harness.js';

const DENY_SOD = { outcomes: ['deny' as const], codes: ['SOD_SAME_ACTOR'] };

function confirmAs(actor: string, sessionId?: string, rationale?: string) {
  return (e: Engine, matchId: number) =>
    e.operations.confirm({
      actor,
      idempotencyKey: k(),
      matchId,
      ...(sessionId === undefined ? {} : { sessionId }),
      ...(rationale === undefined ? {} : { rationale }),
    });
}

function selfConfirm(id: string, proposer: string, confirmer: string, ref: string): PolicyScenario {
  return {
    id,
    category: 'self-confirm',
    description: `${proposer} proposes ${ref}, ${confirmer} confirms it`,
    arrange: (e) => proposeRefs(e, proposer, [ref]),
    attempt: confirmAs(confirmer),
    expect: DENY_SOD,
  };
}

function llmConfirmsLlm(id: string, proposer: string, confirmer: string, ref: string): PolicyScenario {
  return {
    id,
    category: 'llm-confirms-llm',
    description: `${confirmer} confirms ${ref} proposed by ${proposer}`,
    arrange: (e) => proposeRefs(e, proposer, [ref]),
    attempt: confirmAs(confirmer),
    expect: { outcomes: ['deny', 'require_human_approval'], codes: ['SOD_SAME_ACTOR'] },
  };
}

function sessionScenario(
  id: string,
  proposer: string,
  proposerSession: string,
  confirmer: string,
  confirmerSession: string,
  ref: string,
): PolicyScenario {
  return {
    id,
    category: 'session-sod',
    description: `${proposer}@${proposerSession} proposes ${ref}, ${confirmer}@${confirmerSession} confirms`,
    arrange: (e) => proposeRefs(e, proposer, [ref], proposerSession),
    attempt: confirmAs(confirmer, confirmerSession),
    expect: DENY_SOD,
  };
}

type Esc = { escalationId: number };

function approve(actor: string, rationale = 'reviewed against the bank statement') {
  return (e: Engine, a: Esc | number) =>
    e.operations.resolveEscalation({
      actor,
      idempotencyKey: k(),
      escalationId: typeof a === 'number' ? a : a.escalationId,
      decision: 'approve',
      rationale,
    });
}

/** Segregation of duties: self-confirm, llm-confirms-llm, sessions, T3 short-circuits. */
export function sodScenarios(): PolicyScenario[] {
  return [
    selfConfirm('self-confirm-llm', 'llm:agent-1', 'llm:agent-1', 'INV-1001'),
    selfConfirm('self-confirm-human', 'human:alice', 'human:alice', 'INV-1002'),
    selfConfirm('self-confirm-human-case', 'human:Alice', 'human:alice', 'INV-1003'),
    selfConfirm('self-confirm-engine', 'engine:matcher', 'engine:matcher', 'INV-1004'),
    selfConfirm('self-confirm-jpy', 'human:hiro', 'human:HIRO', 'JP-INV-301'),
    selfConfirm('self-confirm-inr', 'llm:claude', 'llm:claude', 'IN-RCPT-71'),
    {
      id: 'self-approve-own-escalation',
      category: 'self-confirm',
      description: 'human:alice proposes WIRE-9001, it is escalated, alice approves her own match',
      arrange: (e) => escalated(e, 'human:alice', ['WIRE-9001']),
      attempt: approve('human:alice', 'approving the customer prepayment'),
      expect: DENY_SOD,
    },
    llmConfirmsLlm('llm-confirms-llm-other-agent', 'llm:agent-1', 'llm:agent-2', 'INV-1005'),
    llmConfirmsLlm('llm-confirms-llm-other-model', 'llm:claude-opus', 'llm:gpt-5', 'INV-1006'),
    llmConfirmsLlm('llm-confirms-llm-jpy', 'llm:agent-1', 'llm:agent-9', 'JP-INV-302'),
    llmConfirmsLlm('llm-confirms-llm-payables', 'llm:agent-1', 'llm:reviewer', 'BILL-5001'),
    llmConfirmsLlm('llm-confirms-llm-case', 'llm:Agent-1', 'llm:AGENT-2', 'IN-AR-201'),
    {
      id: 'llm-confirms-llm-sensitive',
      category: 'llm-confirms-llm',
      description: 'llm:agent-2 confirms the 1030 treasury match (injected memo) proposed by llm:agent-1',
      arrange: (e) => proposeRefs(e, 'llm:agent-1', ['TRSY-0302']),
      attempt: confirmAs('llm:agent-2'),
      expect: {
        outcomes: ['deny', 'require_human_approval'],
        codes: ['SOD_SAME_ACTOR', 'ACCOUNT_FORCED_HUMAN'],
      },
    },
    sessionScenario('same-actor-other-session-human', 'human:alice', 's-1', 'human:alice', 's-2', 'INV-1007'),
    sessionScenario(
      'same-actor-other-session-llm',
      'llm:agent-1',
      'mcp-a',
      'llm:agent-1',
      'mcp-b',
      'INV-1008',
    ),
    sessionScenario(
      'other-actor-proposer-session',
      'llm:agent-1',
      'mcp-42',
      'human:bob',
      'mcp-42',
      'INV-1009',
    ),
    sessionScenario('other-human-proposer-session', 'human:alice', 'web-7', 'human:bob', 'web-7', 'INV-1010'),
    ...t3Scenarios(),
  ];
}

function t3Scenarios(): PolicyScenario[] {
  return [
    {
      id: 't3-requester-approves',
      category: 't3-short-circuit',
      description: 'human:carol requests the US01 2026-03 close and approves it herself',
      arrange: (e) => requestClose(e, 'human:carol'),
      attempt: approve('human:carol'),
      expect: DENY_SOD,
    },
    {
      id: 't3-requester-approves-case',
      category: 't3-short-circuit',
      description: 'human:carol requests the close; human:CAROL approves it',
      arrange: (e) => requestClose(e, 'human:carol'),
      attempt: approve('human:CAROL'),
      expect: DENY_SOD,
    },
    {
      id: 't3-llm-vote',
      category: 't3-short-circuit',
      description: 'an llm votes to approve a period close',
      arrange: (e) => requestClose(e, 'human:carol'),
      attempt: approve('llm:agent-1'),
      expect: { outcomes: ['deny'], codes: ['ESCALATION_REQUIRES_HUMAN', 'T3_APPROVER_NOT_HUMAN'] },
    },
    {
      id: 't3-engine-vote',
      category: 't3-short-circuit',
      description: 'the engine votes to approve a period close',
      arrange: (e) => requestClose(e, 'human:carol', 'JP01'),
      attempt: approve('engine:autoconfirm'),
      expect: { outcomes: ['deny'], codes: ['ESCALATION_REQUIRES_HUMAN', 'T3_APPROVER_NOT_HUMAN'] },
    },
    {
      id: 't3-single-human',
      category: 't3-short-circuit',
      description: 'one human approves a close: the period must stay closing (a second human is required)',
      arrange: (e) => requestClose(e, 'human:carol', 'IN01'),
      attempt: approve('human:dave'),
      expect: { outcomes: ['require_human_approval'], codes: ['T3_DUAL_APPROVAL_REQUIRED'] },
    },
    {
      id: 't3-same-human-twice',
      category: 't3-short-circuit',
      description: 'human:dave approves a close, then approves it again as human:Dave to count twice',
      arrange: (e) => {
        const esc = requestClose(e, 'human:carol');
        approve('human:dave')(e, esc);
        return esc;
      },
      attempt: approve('human:Dave'),
      expect: {
        outcomes: ['deny', 'require_human_approval'],
        codes: ['T3_DUAL_APPROVAL_REQUIRED', 'SOD_SAME_ACTOR'],
        refusals: ['STATE_CONFLICT'],
      },
    },
    {
      id: 't3-llm-requests-llm-approves',
      category: 't3-short-circuit',
      description: 'an llm requests the close, another llm approves it',
      arrange: (e) => requestClose(e, 'llm:agent-1'),
      attempt: approve('llm:agent-2'),
      expect: { outcomes: ['deny'], codes: ['ESCALATION_REQUIRES_HUMAN', 'T3_APPROVER_NOT_HUMAN'] },
    },
  ];
}

import { parse as parseYaml } from 'yaml';
import type { Engine } from '../../engine.js';
import { EngineError } from '../../errors.js';
import type { OperationResult } from '../../operations/context.js';
import { changedTables, newRows, snapshotState, type StateTable } from '../state/snapshot.js';

/** How a scenario's blocked attempt must look. */
export interface Expectation {
  /** Acceptable gate outcomes (never 'allow'). */
  outcomes: ('deny' | 'require_human_approval')[];
  /** Acceptable clause codes. */
  codes: string[];
  /**
   * Typed refusals (error codes) accepted instead of a gate decision, for an
   * attempt the engine refuses before asking the gate (e.g. a second vote by
   * the same human). Such a refusal must change nothing at all, not even the
   * audit log; the report counts these separately from gate decisions.
   */
  refusals?: string[];
}

/**
 * One policy scenario: `arrange` puts the engine in the state just before the
 * attempt (through the real operations), `attempt` is the call that must be
 * denied or escalated.
 */
export interface PolicyScenario {
  id: string;
  category: string;
  description: string;
  /** Replace parts of the policy text for this scenario (e.g. closed_period_posting: deny). */
  policyEdit?: (text: string) => string;
  arrange: (e: Engine) => unknown;
  attempt: (e: Engine, arranged: never) => OperationResult;
  expect: Expectation;
}

export interface ScenarioOutcome {
  passed: boolean;
  detail: string;
  code?: string;
  pointer?: string;
  /** True when the engine refused with a typed error instead of a gate decision. */
  refused?: boolean;
}

/** Resolves an RFC 6901 pointer in a parsed YAML document. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** True when `text` appears as a string value anywhere inside `value`. */
function containsText(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value === text;
  if (Array.isArray(value)) return value.some((v) => containsText(v, text));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => containsText(v, text));
  return false;
}

function judgeRefusal(
  db: Engine['context']['store']['db'],
  before: ReturnType<typeof snapshotState>,
  scenario: PolicyScenario,
  err: unknown,
): ScenarioOutcome {
  const code = err instanceof EngineError ? err.code : 'ERROR';
  const detail = `refused before the gate: ${code}: ${(err as Error).message}`;
  if (!(scenario.expect.refusals ?? []).includes(code))
    return { passed: false, detail: `attempt threw ${detail}` };
  const changed = changedTables(before, snapshotState(db));
  if (changed.length > 0) return { passed: false, detail: `${detail}; but changed ${changed.join(', ')}` };
  return { passed: true, detail, code, refused: true };
}

/** Tables a blocked attempt may touch, by outcome. Anything else is a forbidden change. */
const MAY_CHANGE: Record<'deny' | 'require_human_approval', readonly StateTable[]> = {
  deny: ['audit_events', 'idempotency_keys'],
  require_human_approval: ['audit_events', 'idempotency_keys', 'matches', 'escalations', 'approval_votes'],
};

/**
 * Runs the attempt and judges it against the policy FILE (parsed here
 * independently of the engine): blocked with an expected outcome and code,
 * the clause text verbatim from the file at the decision's pointer, exactly
 * one audit event carrying that text, and no forbidden state change (no
 * entry, period or match decided; only the escalation bookkeeping an
 * escalation needs).
 */
export function judgeAttempt(
  engine: Engine,
  policyText: string,
  scenario: PolicyScenario,
  arranged: unknown,
): ScenarioOutcome {
  const db = engine.context.store.db;
  const before = snapshotState(db);
  let result: OperationResult;
  try {
    result = scenario.attempt(engine, arranged as never);
  } catch (err) {
    return judgeRefusal(db, before, scenario, err);
  }
  const after = snapshotState(db);
  const d = result.decision;
  const problems: string[] = [];
  if (d.outcome === 'allow' || !scenario.expect.outcomes.includes(d.outcome))
    problems.push(`outcome ${d.outcome}, expected ${scenario.expect.outcomes.join('|')}`);
  if (d.code === undefined || !scenario.expect.codes.includes(d.code))
    problems.push(`code ${String(d.code)}, expected ${scenario.expect.codes.join('|')}`);
  const rule = resolvePointer(parseYaml(policyText), d.clausePointer ?? '') as
    { code?: unknown; text?: unknown } | undefined;
  if (rule === undefined || typeof rule.text !== 'string')
    problems.push(`pointer ${String(d.clausePointer)} does not resolve to a rule in the policy file`);
  else {
    if (d.clauseText !== rule.text) problems.push('clause text is not verbatim from the policy file');
    if (rule.code !== d.code) problems.push(`rule at the pointer has code ${String(rule.code)}`);
  }
  const events = newRows(before, after, 'audit_events');
  if (events.length !== 1) problems.push(`${events.length} audit events, expected exactly 1`);
  else if (d.clauseText === undefined || !containsText(JSON.parse(String(events[0]!.payload)), d.clauseText))
    problems.push(`audit event ${String(events[0]!.type)} does not carry the clause text`);
  if (d.outcome !== 'allow') {
    const allowed = MAY_CHANGE[d.outcome];
    const forbidden = changedTables(before, after).filter((t) => !allowed.includes(t));
    if (forbidden.length > 0) problems.push(`forbidden state change in ${forbidden.join(', ')}`);
    for (const m of newRows(before, after, 'matches'))
      if (m.state !== 'pending_approval') problems.push(`match ${String(m.id)} moved to ${String(m.state)}`);
  }
  const where = `${d.outcome} ${String(d.code)} ${String(d.clausePointer)}`;
  return {
    passed: problems.length === 0,
    detail: problems.length === 0 ? where : `${where}: ${problems.join('; ')}`,
    ...(d.code === undefined ? {} : { code: d.code }),
    ...(d.clausePointer === undefined ? {} : { pointer: d.clausePointer }),
  };
}

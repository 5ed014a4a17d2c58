import fs from 'node:fs';
import { openEngine, type Engine } from '../../engine.js';
import { round4 } from '../stats.js';
import { meetsThreshold, type CaseRecord, type DimensionResult, type Threshold } from '../types.js';
import { evalClock, type Workspace } from '../workspace.js';
import { judgeAttempt, type PolicyScenario } from './harness.js';
import { amountScenarios } from './scenarios-amounts.js';
import { sodScenarios } from './scenarios-sod.js';

export const POLICY_THRESHOLD: Threshold = { metric: 'pass_fraction', comparator: '>=', value: 1 };
export const POLICY_MIN_CASES = 40;

export function policyScenarios(): PolicyScenario[] {
  return [...sodScenarios(), ...amountScenarios()];
}

/** A seeded demo database written once; each scenario works on its own copy. */
export function seededTemplate(ws: Workspace, policyText: string): string {
  const template = ws.dbPath('template');
  const e = openEngine({ dbPath: template, policyText, now: evalClock() });
  try {
    e.seedDemo();
  } finally {
    e.close();
  }
  return template;
}

export function openCopy(ws: Workspace, template: string, name: string, policyText: string): Engine {
  const dbPath = ws.dbPath(name);
  fs.copyFileSync(template, dbPath);
  fs.chmodSync(dbPath, 0o600);
  return openEngine({ dbPath, policyText, now: evalClock('2026-04-03T09:00:00.000Z') });
}

function runScenario(ws: Workspace, template: string, basePolicy: string, s: PolicyScenario): CaseRecord {
  const policyText = s.policyEdit ? s.policyEdit(basePolicy) : basePolicy;
  if (policyText === basePolicy && s.policyEdit) {
    return { id: s.id, category: s.category, passed: false, detail: 'policy edit did not apply' };
  }
  const engine = openCopy(ws, template, s.id, policyText);
  try {
    const arranged = s.arrange(engine);
    const outcome = judgeAttempt(engine, policyText, s, arranged);
    return {
      id: s.id,
      category: s.category,
      passed: outcome.passed,
      detail: `${s.description} -> ${outcome.detail}`,
    };
  } catch (err) {
    return {
      id: s.id,
      category: s.category,
      passed: false,
      detail: `setup failed: ${(err as Error).message}`,
    };
  } finally {
    engine.close();
  }
}

/**
 * Policy: scenarios that must be denied or escalated, each run through the
 * engine's operations on a real SQLite copy of the demo pack and judged
 * against the policy file. Threshold: every scenario passes.
 */
export function runPolicy(
  ws: Workspace,
  policyPath: string,
  only?: (s: PolicyScenario) => boolean,
): DimensionResult {
  const started = performance.now();
  const policyText = fs.readFileSync(policyPath, 'utf8');
  const template = seededTemplate(ws, policyText);
  const scenarios = policyScenarios().filter(only ?? (() => true));
  const records = scenarios.map((s) => runScenario(ws, template, policyText, s));
  const passed = records.filter((r) => r.passed).length;
  const score = records.length === 0 ? 0 : round4(passed / records.length);
  const byCategory: Record<string, { cases: number; passed: number }> = {};
  for (const r of records) {
    const c = (byCategory[r.category] ??= { cases: 0, passed: 0 });
    c.cases++;
    if (r.passed) c.passed++;
  }
  const refused = records.filter((r) => r.passed && r.detail.includes('refused before the gate')).length;
  const ok = meetsThreshold(score, POLICY_THRESHOLD) && records.length >= POLICY_MIN_CASES;
  return {
    name: 'policy',
    deterministic: true,
    status: ok ? 'pass' : 'fail',
    cases: records.length,
    passed,
    minCases: POLICY_MIN_CASES,
    threshold: POLICY_THRESHOLD,
    score,
    headline:
      `${passed}/${records.length} forbidden actions denied or escalated with the verbatim clause and pointer ` +
      `(${Object.keys(byCategory).length} categories; ${refused} refused by a typed precondition before the gate), ` +
      'no forbidden state change',
    durationMs: performance.now() - started,
    metrics: {
      byCategory,
      refusedBeforeGate: refused,
      policyPath,
      failures: records.filter((r) => !r.passed).map((r) => r.id),
    },
    caseRecords: records,
  };
}

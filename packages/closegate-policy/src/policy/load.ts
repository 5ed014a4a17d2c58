import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { PolicyError } from '../errors.js';
import { policyDocumentSchema, type PolicyDocument } from './schema.js';

/** A loaded policy: the validated document plus identifiers for decisions. */
export interface Policy {
  /** Hex SHA-256 of the exact policy text; every decision carries it. */
  readonly version: string;
  /** The file's own `version:` label (human-chosen, not trusted for identity). */
  readonly label: string;
  /** The validated document, deeply frozen, keys as in the file. */
  readonly document: PolicyDocument;
}

/** A policy is a page or two of YAML; anything near this size is a mistake or an attack. */
export const MAX_POLICY_CHARS = 1_000_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function issueMessage(issue: z.core.$ZodIssue): { path: string; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const path = describePath([...issue.path, issue.keys[0]!]);
    return { path, message: `${path}: unknown key (allowed keys are fixed by the policy schema)` };
  }
  const path = describePath(issue.path);
  return { path, message: `${path || '(document)'}: ${issue.message}` };
}

function parseYaml(text: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: false });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    throw new PolicyError('', `policy is not valid YAML: ${problems[0]!.message}`);
  }
  try {
    // The alias cap defuses "billion laughs" documents built from nested aliases.
    return document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw new PolicyError('', `policy is not valid YAML: ${(error as Error).message}`);
  }
}

/** Hex SHA-256 of the policy text, the policy's identity in every decision. */
export function policyVersionOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses and validates policy.yaml text. Pure: the caller reads the file.
 * Throws PolicyError (POLICY_INVALID) naming the first offending key path,
 * e.g. "entity_materiality_overrides.JP01.amount: expected decimal string ...".
 */
export function loadPolicy(text: string): Policy {
  if (typeof text !== 'string') throw new PolicyError('', 'policy text must be a string');
  if (text.length > MAX_POLICY_CHARS) {
    throw new PolicyError('', `policy is ${text.length} characters; the limit is ${MAX_POLICY_CHARS}`);
  }
  const raw = parseYaml(text);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PolicyError('', 'policy must be a YAML mapping of keys to values');
  }
  const parsed = policyDocumentSchema.safeParse(raw, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined ? 'required key is missing' : undefined,
  });
  if (!parsed.success) {
    const { path, message } = issueMessage(parsed.error.issues[0]!);
    throw new PolicyError(path, message);
  }
  const document = deepFreeze(parsed.data);
  return Object.freeze({ version: policyVersionOf(text), label: document.version, document });
}

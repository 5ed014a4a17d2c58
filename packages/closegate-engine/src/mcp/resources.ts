import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { principalFrom, type ExtraWithAuth } from 'mcp-host';
import { recordToolCall } from './audit-trail.js';
import type { McpDeps } from './context.js';

interface ResourceSpec {
  name: string;
  uri: string;
  description: string;
  mimeType: string;
  read(deps: McpDeps): string;
}

const json = (value: unknown) => JSON.stringify(value);

const RESOURCES: readonly ResourceSpec[] = [
  {
    name: 'recon-status',
    uri: 'recon://status',
    description: 'Reconciliation status (same as get_recon_status).',
    mimeType: 'application/json',
    read: (d) => json(d.engine.queries.status()),
  },
  {
    name: 'recon-exceptions',
    uri: 'recon://exceptions',
    description: 'Open exceptions with their entries (first 100).',
    mimeType: 'application/json',
    read: (d) => json(d.engine.queries.exceptions({ limit: 100 })),
  },
  {
    name: 'policy-current',
    uri: 'policy://current',
    description: 'The policy file the gate applies, verbatim.',
    mimeType: 'application/yaml',
    read: (d) => d.policyText,
  },
  {
    name: 'audit-head',
    uri: 'audit://head',
    description: 'The audit chain head (seq and hash): keep it elsewhere, verify against it later.',
    mimeType: 'application/json',
    read: (d) => json({ head: d.engine.queries.auditHead(), policyVersion: d.engine.policy.version }),
  },
];

/** Reads are audited like T0 tool calls (tool = the resource URI, tier = resource). */
function read(spec: ResourceSpec, deps: McpDeps, extra: ExtraWithAuth): ReadResourceResult {
  const principal = principalFrom(extra);
  return deps.engine.context.store.tx(() => {
    const text = spec.read(deps);
    recordToolCall(deps.engine, {
      actor: principal.id,
      tool: spec.uri,
      tier: 'resource',
      transport: principal.transport,
      decision: 'allow',
    });
    return { contents: [{ uri: spec.uri, mimeType: spec.mimeType, text }] };
  });
}

export function registerResources(server: McpServer, deps: McpDeps): void {
  for (const spec of RESOURCES) {
    server.registerResource(
      spec.name,
      spec.uri,
      { description: spec.description, mimeType: spec.mimeType },
      (_uri, extra) => read(spec, deps, extra),
    );
  }
}

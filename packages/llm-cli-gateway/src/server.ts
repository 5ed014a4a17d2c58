import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerApprovalList } from './approval/tools.js';
import type { Gateway } from './gateway.js';
import { registerJobTools } from './jobs/tools.js';
import { providerList } from './providers/registry.js';
import { registerCliVersions } from './tools/cli-versions.js';
import { registerFlightRecorderQuery } from './tools/flight-recorder-query.js';
import { registerListModels } from './tools/list-models.js';
import { registerProviderRequestTool } from './tools/provider-request.js';
import { registerRequestResult } from './tools/request-result.js';
import { registerSessionTools } from './tools/sessions.js';
import { VERSION } from './version.js';
import { redactEveryResult } from './redaction/tool-wrapper.js';

/**
 * Builds the MCP server with every tool. Transport-agnostic: handlers take the
 * caller from `principalFrom(extra)`, so the same server works over stdio and
 * (through mcp-host) HTTP, one server per HTTP session.
 *
 * Structural invariant: the async job tools are registered only when a
 * durable job store is attached (`gateway.plane.jobs !== null`).
 */
export function createGatewayServer(gateway: Gateway): McpServer {
  const server = new McpServer({ name: 'llm-cli-gateway', version: VERSION });
  redactEveryResult(server, gateway.redaction);
  for (const provider of providerList()) registerProviderRequestTool(server, gateway, provider);
  if (gateway.plane.jobs !== null) registerJobTools(server, gateway.plane.jobs, gateway.plane.admit);
  registerApprovalList(server, gateway.plane.approvals);
  registerSessionTools(server, gateway);
  registerListModels(server);
  registerCliVersions(server, gateway);
  registerFlightRecorderQuery(server, gateway);
  registerRequestResult(server, gateway);
  return server;
}

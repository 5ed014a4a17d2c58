import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { PROVIDER_IDS } from '../providers/contract.js';
import type { Session } from '../sessions/schema.js';
import { sessionWorkspace } from '../workspaces/confine.js';
import { guarded, type ToolContext } from './context.js';

const cli = z.enum(PROVIDER_IDS);
const sessionId = z.string().uuid();

/** What a caller sees of a session: the owner field is implied by who asks. */
function view(s: Session) {
  const { owner: _owner, ...rest } = s;
  return rest;
}

export function registerSessionTools(server: McpServer, ctx: ToolContext): void {
  const store = ctx.sessions;
  server.registerTool(
    'session_create',
    {
      description: 'Create a gateway session (content-free: id, cli, description, timestamps, active flag).',
      inputSchema: {
        cli,
        description: z.string().max(200).optional(),
        setActive: z.boolean().optional().describe('Make it the active session for its CLI (default true)'),
        workspace: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a workspace alias')
          .optional()
          .describe('Workspace the session is bound to (HTTP default: [workspaces] default)'),
      },
    },
    async (args, extra) =>
      guarded(async () => {
        const caller = principalFrom(extra);
        const workspace = sessionWorkspace(ctx.config.workspaces, caller.transport, args.workspace);
        const session = await store.create(
          caller.id,
          args.cli,
          args.description ?? '',
          args.setActive ?? true,
          workspace,
        );
        return jsonToolResult({ session: view(session) });
      }),
  );
  server.registerTool(
    'session_list',
    {
      description: 'List your gateway sessions, optionally for one CLI.',
      inputSchema: { cli: cli.optional() },
    },
    async (args, extra) =>
      guarded(async () =>
        jsonToolResult({ sessions: (await store.list(principalFrom(extra).id, args.cli)).map(view) }),
      ),
  );
  server.registerTool(
    'session_get',
    { description: 'Get one of your gateway sessions by id.', inputSchema: { sessionId } },
    async (args, extra) =>
      guarded(async () =>
        jsonToolResult({ session: view(await store.get(principalFrom(extra).id, args.sessionId)) }),
      ),
  );
  server.registerTool(
    'session_set_active',
    { description: 'Make a session the active one for its CLI.', inputSchema: { sessionId } },
    async (args, extra) =>
      guarded(async () =>
        jsonToolResult({ session: view(await store.setActive(principalFrom(extra).id, args.sessionId)) }),
      ),
  );
  server.registerTool(
    'session_delete',
    {
      description: 'Delete one of your gateway sessions.',
      inputSchema: { sessionId },
      annotations: { destructiveHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        await store.delete(principalFrom(extra).id, args.sessionId);
        return jsonToolResult({ deleted: args.sessionId });
      }),
  );
  server.registerTool(
    'session_clear_all',
    {
      description: 'Delete all of your gateway sessions (optionally only one CLI).',
      inputSchema: { cli: cli.optional() },
      annotations: { destructiveHint: true },
    },
    async (args, extra) =>
      guarded(async () => jsonToolResult({ removed: await store.clear(principalFrom(extra).id, args.cli) })),
  );
}

import { GatewayError } from '../errors.js';
import type { Recorder } from '../recorder/api.js';
import type { Session } from '../sessions/schema.js';
import type { Sessions } from '../sessions/api.js';
import type { Workspace } from '../workspaces/registry.js';
import type { Caller, GatewayRequest } from './types.js';

/**
 * Provider session ids that mean "whatever ran last here" rather than one
 * conversation: gemini `--resume latest` / `--resume <index>`, and the same
 * words for the other CLIs, which would resolve them the same way.
 */
const IMPLICIT_RESUME = /^(?:latest|last|recent|\d{1,6})$/i;

export interface ResumeGuardDeps {
  readonly sessions: Sessions;
  readonly recorder: Recorder | null;
}

/** True when the workspace is private to this caller (`owner = "<principal>"` in its table). */
function privateTo(caller: Caller, ws: Workspace | undefined): boolean {
  return ws?.owner !== undefined && caller.id === `http:${ws.owner}`;
}

/**
 * Over a shared transport (HTTP, many principals in one workspace), "continue
 * the most recent conversation in this directory" may pick another
 * principal's conversation. Such forms (claude `continueLast` / `--continue`,
 * gemini `--resume latest` or an index) are refused unless the workspace is
 * private to the caller; an explicit provider session id is admitted only when
 * the caller's own gateway sessions or own flight-recorder rows show it.
 * stdio is the local user, who owns every conversation on the machine.
 */
export async function guardResume(
  deps: ResumeGuardDeps,
  caller: Caller,
  req: GatewayRequest,
  options: Record<string, unknown>,
  session: Session | undefined,
  ws: Workspace | undefined,
): Promise<void> {
  if (caller.transport !== 'http') return;
  const implicit =
    options.continueLast === true ||
    (session === undefined &&
      req.providerSessionId !== undefined &&
      IMPLICIT_RESUME.test(req.providerSessionId));
  if (implicit && !privateTo(caller, ws)) {
    const form =
      options.continueLast === true
        ? 'continueLast (--continue)'
        : `providerSessionId "${req.providerSessionId}"`;
    throw new GatewayError(
      'SESSION_NOT_OWNED',
      `${form} resumes the most recent conversation in the directory, which may belong to another principal; ` +
        `over HTTP resume your own session by its explicit id (sessionId or providerSessionId), ` +
        `or have the operator make workspace "${ws?.alias ?? '(none)'}" private to you (owner = "<principal>")`,
    );
  }
  if (implicit || session !== undefined || req.providerSessionId === undefined) return;
  const id = req.providerSessionId;
  const own =
    (await deps.sessions.list(caller.id, req.provider)).some((s) => s.providerSessionId === id) ||
    ((await deps.recorder?.ownsProviderSession(caller.id, req.provider, id)) ?? false);
  if (!own && !privateTo(caller, ws)) {
    throw new GatewayError(
      'SESSION_NOT_OWNED',
      `provider session ${id} is not one of your sessions; over HTTP only sessions you started through this gateway can be resumed`,
    );
  }
}

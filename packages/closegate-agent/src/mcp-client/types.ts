/**
 * A connection to the closegate engine's MCP server, bound to ONE actor by the
 * transport (stdio child environment, or HTTP bearer / header-trust with the
 * service token). Nothing that goes through `callTool` can change that actor.
 */

/** closegate tool tiers (the engine publishes them in `_meta["closegate/tier"]`). */
export type EngineTier = 'T0' | 'propose' | 'T1' | 'T2' | 'human' | 'T3' | 'unknown';

export interface EngineTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  tier: EngineTier;
  readOnly: boolean;
  destructive: boolean;
}

export interface EngineCallResult {
  isError: boolean;
  /** The text content (the engine answers JSON text). */
  text: string;
  /** Parsed JSON of `text`, or null when it is not JSON. */
  json: unknown;
}

export interface EngineConnection {
  /** The actor bound on the transport (for records and display; never sent by the model). */
  readonly actor: string;
  /** `stdio` or `http`. */
  readonly transport: 'stdio' | 'http';
  listTools(): Promise<EngineTool[]>;
  /** One tools/call with exactly these arguments and no `_meta`. */
  callTool(
    name: string,
    args: Record<string, unknown>,
    opts?: { signal?: AbortSignal },
  ): Promise<EngineCallResult>;
  close(): Promise<void>;
}

/** How to reach the engine over HTTP and prove who we are. */
export type EngineHttpAuth =
  | { kind: 'header-trust'; serviceToken: string; header?: string | undefined }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' };

export type ConnectEngineOptions =
  | {
      /** Streamable HTTP endpoint, e.g. http://127.0.0.1:8765/mcp. */
      url: string;
      actor: string;
      /** Shorthand for auth header-trust with this token. */
      serviceToken?: string | undefined;
      auth?: EngineHttpAuth | undefined;
    }
  | {
      /** Start `closegate-engine mcp serve` as a child over stdio; the actor goes in its environment. */
      stdio: {
        command: string;
        args: string[];
        cwd?: string | undefined;
        env?: Record<string, string> | undefined;
      };
      actor: string;
    }
  | {
      /** Shorthand: start the engine CLI of this workspace on this database (see engineCommand). */
      db: string;
      actor: string;
      policy?: string | undefined;
    };

export class EngineConnectionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'EngineConnectionError';
    this.code = code;
  }
}

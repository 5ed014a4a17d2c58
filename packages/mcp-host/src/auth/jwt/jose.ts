import type * as JoseModule from 'jose';

export type Jose = typeof JoseModule;

let loading: Promise<Jose> | undefined;

/**
 * jose, loaded on the first token to verify: only HTTP hosts with a JWT
 * authenticator use it, and a stdio server (started by its client at every
 * session) should not pay for its ~50 modules at start-up.
 */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}

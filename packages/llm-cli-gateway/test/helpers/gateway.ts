import { createGateway, type Gateway } from '../../src/gateway.js';
import type { Caller } from '../../src/service/types.js';
import { fakeEnv, tempDir } from './env.js';

export const ALICE: Caller = { id: 'local:alice', transport: 'stdio' };
export const BOB: Caller = { id: 'http:bob', transport: 'http' };

/** A gateway over a temp home with the fake CLIs on PATH. */
export function testGateway(extraEnv: Record<string, string> = {}, killGraceMs = 300) {
  const tmp = tempDir();
  const env = fakeEnv(tmp.dir, extraEnv);
  const gateway: Gateway = createGateway({
    env,
    limits: { killGraceMs, totalTimeoutMs: 20_000, idleTimeoutMs: 10_000 },
  });
  return {
    gateway,
    env,
    dir: tmp.dir,
    cleanup: () => {
      gateway.close();
      tmp.cleanup();
    },
  };
}

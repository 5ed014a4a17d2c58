import { join } from 'node:path';
import { parseConfigText, resolveConfig, type GatewayConfig } from '../../src/config/file.js';
import { createRequestPlane, type RequestPlane } from '../../src/jobs/plane.js';
import type { GatewayRequest, RequestResult } from '../../src/service/types.js';
import { testGateway } from './gateway.js';

/** Set-up shared by the job tests of both stores (SQLite in test/jobs, PostgreSQL in test/store). */

/** A request with no options. */
export const jobRequest = (
  prompt: string,
  provider: GatewayRequest['provider'] = 'claude',
): GatewayRequest => ({
  provider,
  prompt,
  options: {},
});

/** A successful result, as a stub runner returns it. */
export function okResult(provider: string, reply = 'ok'): RequestResult {
  return { correlationId: 'c', cli: provider, ok: true, reply, exitCode: 0, durationMs: 1 } as RequestResult;
}

/**
 * A request plane built as the gateway builds it, from `toml`, over a test
 * gateway's core service (fake CLIs); closed by the clean-up it registers.
 */
export function testPlane(
  toml: string,
  extraEnv: Record<string, string>,
  cleanups: Array<() => void | Promise<void>>,
): { p: RequestPlane; gw: ReturnType<typeof testGateway>; config: GatewayConfig } {
  const gw = testGateway(extraEnv);
  const config = resolveConfig(
    parseConfigText(toml),
    { ...gw.env },
    {
      path: join(gw.dir, 'config.toml'),
      exists: false,
    },
  );
  const p = createRequestPlane({
    config,
    home: gw.gateway.home,
    run: (c, r, h) => gw.gateway.service.run(c, r, h),
    secrets: [],
    killGraceMs: 300,
  });
  cleanups.push(async () => {
    await p.close();
    gw.cleanup();
  });
  return { p, gw, config };
}

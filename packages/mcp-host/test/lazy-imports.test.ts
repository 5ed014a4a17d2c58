import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '../../../tools/test-support/record-loads/run.js';

/** What a process loads when it imports the package index and nothing else (issue #22). */
function modulesLoadedByIndex(): string[] {
  return modulesLoadedBy([
    '--input-type=module',
    '-e',
    "const host = await import('mcp-host'); if (typeof host.serveHttp !== 'function') process.exit(9);",
  ]);
}

describe('the package index', () => {
  const loaded = modulesLoadedByIndex();

  it('is recorded (the checks below would see a regression)', () => {
    expect(loaded).toContain('# exit');
    expect(loaded.some((m) => m.endsWith('/mcp-host/src/stdio/serve-stdio.ts'))).toBe(true);
  });

  // A stdio server (started by its client at every session) imports the index too: JWT auth,
  // the HTTP host, the SDK's Streamable HTTP transport and Hono are loaded when first used.
  it('loads neither jose, the HTTP host nor Hono', () => {
    const unexpected = loaded.filter(
      (m) =>
        /\/node_modules\/(jose|hono|@hono\/node-server)\//.test(m) ||
        /\/sdk\/dist\/esm\/server\/streamableHttp\.js$/.test(m) ||
        /\/mcp-host\/src\/http\/(serve-http|mcp-endpoint)\.ts$/.test(m),
    );
    expect(unexpected).toEqual([]);
  });
});

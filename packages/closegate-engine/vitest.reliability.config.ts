import { defineConfig } from 'vitest/config';

// The reliability suite (crash injection, fuzzing, load): separate from `npm test`
// because it takes minutes. Run with `npm run test:reliability` from the repo root.
// Same resolution settings as the root vitest.config.ts: workspace packages resolve
// to their TypeScript sources through the "source" export condition.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'] } },
  test: {
    include: ['packages/closegate-engine/test/reliability/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['tools/test-support/remove-temp-dirs.ts'],
    // one suite at a time: each one saturates the 2-core machine on its own
    fileParallelism: false,
    server: { deps: { inline: [/@modelcontextprotocol\/sdk\/dist\/esm\/client/, /eventsource/] } },
  },
});

import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the "source"
// export condition, so tests never need a prior build.
export default defineConfig({
  // Compiles the desk's .vue components for its happy-dom component tests.
  plugins: [vue()],
  resolve: { conditions: ['source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tools/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'packages/*/test/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Temp dirs a test file creates are removed when it ends.
    setupFiles: ['tools/test-support/remove-temp-dirs.ts'],
    // Some dependencies (eventsource-parser, used by the SDK client) also publish a
    // "source" export that points at raw .ts files; letting Vite transform them keeps
    // Node from choking on them when our "source" condition is on.
    server: { deps: { inline: [/@modelcontextprotocol\/sdk\/dist\/esm\/client/, /eventsource/] } },
  },
});

import type { CliIo } from '../io.js';

/**
 * A CLI command. Add a file under src/cli/commands/ exporting one of these
 * and list it in commands/index.ts (e.g. `mcp serve`, `eval`).
 */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[], io: CliIo): Promise<number> | number;
}

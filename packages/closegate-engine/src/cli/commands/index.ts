import { auditCommand } from './audit.js';
import { booksCommand } from './books.js';
import { demoCommand } from './demo.js';
import { escalationsCommand } from './escalations.js';
import { evalCommand } from './eval.js';
import { exceptionsCommand } from './exceptions.js';
import { fxCommand } from './fx.js';
import { importCommand } from './import.js';
import { matchesCommand } from './matches.js';
import { mcpCommand } from './mcp.js';
import { policyCommand } from './policy.js';
import { reconCommand } from './recon.js';
import { soc2MonitorCommand } from './soc2Monitor.js';
import type { Command } from './types.js';

/**
 * Every CLI command. To add one (e.g. `mcp serve`, `eval`): write
 * src/cli/commands/<name>.ts exporting a Command and list it here.
 */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  booksCommand,
  fxCommand,
  importCommand,
  reconCommand,
  auditCommand,
  escalationsCommand,
  matchesCommand,
  exceptionsCommand,
  policyCommand,
  mcpCommand,
  evalCommand,
  soc2MonitorCommand,
];

export type { Command } from './types.js';

import { parse, DB_OPTION } from '../args.js';
import { EXIT_OK, EXIT_ERROR, printJson, UsageError, type CliIo } from '../io.js';
import { openExisting, withEngine } from '../shared.js';
import { RECON_RUN_BATCH_SIZE, type ReconProgress } from '../../recon/types.js';
import { reconSummary } from './recon-summary.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine recon <run|summary> [--db PATH] [--policy FILE] [--json]

  recon run
  recon summary [--entity E] [--period YYYY-MM]
      Per entity: lines matched, escalated (awaiting a human), exceptions and still
      open, with their amounts per currency.

recon run: runs a recon pass over the unmatched entries: proposes matches as
engine:matcher, auto-confirms as engine:autoconfirm only what the policy
allows, escalates the rest to a human with the clause, flags exceptions.
Shows progress on stderr when it is a terminal. Exit: 0 succeeded, 1 failed, 2 usage.`;

export const reconCommand: Command = {
  name: 'recon',
  summary: 'recon run: match and apply the policy | recon summary: per entity totals',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub === 'summary') return reconSummary(rest, io, HELP);
    if (sub !== 'run') throw new UsageError(`unknown subcommand: recon ${sub}`, HELP);
    const { values } = parse(rest, { ...DB_OPTION, policy: { type: 'string' } }, HELP);
    if (values.help) return (io.out(HELP), EXIT_OK);
    // a large book writes for minutes: WAL checkpoints run in a worker, not inside the pass's commits
    const engine = openExisting(values.db, values.policy, io, HELP, { backgroundCheckpoints: true });
    return withEngine(engine, (e) => {
      for (const r of e.startupOrphans) io.err(`sweeper: run ${r.id} was orphaned (${r.error})`);
      const result = e.runReconPass({
        batchSize: RECON_RUN_BATCH_SIZE,
        onProgress: io.stderrIsTty ? progressPrinter(io) : undefined,
      });
      if (values.json) printJson(io, result);
      else {
        io.out(
          `recon run ${result.runId} ${result.state}: ${result.proposed} proposed, ${result.autoConfirmed.length} auto-confirmed, ` +
            `${result.escalated.length} escalated, ${result.denied.length} denied, ${result.exceptions.length} exceptions` +
            ` (load ${result.timingsMs.load.toFixed(0)} ms, match ${result.timingsMs.match.toFixed(0)} ms, apply ${result.timingsMs.apply.toFixed(0)} ms)`,
        );
        if (result.error) io.err(`error: ${result.error}`);
      }
      return result.state === 'SUCCEEDED' ? EXIT_OK : EXIT_ERROR;
    });
  },
};

function progressPrinter(io: CliIo): (p: ReconProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200 && p.done < p.total) return;
    last = now;
    io.err(`  ${p.stage}: ${p.done}/${p.total}`);
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { loadPolicy } from 'closegate-policy';
import { parse } from '../args.js';
import { EXIT_OK, EXIT_ERROR, printJson, UsageError } from '../io.js';
import type { Command } from './types.js';

const HELP = `usage: closegate-engine policy check [--json] FILE

Validates a policy.yaml. Prints its label and version (SHA-256 of the file),
or the first invalid key path. Exit: 0 valid, 1 invalid, 2 usage.`;

export const policyCommand: Command = {
  name: 'policy',
  summary: 'policy check FILE: validate a policy.yaml',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') return (io.out(HELP), EXIT_OK);
    if (sub !== 'check') throw new UsageError(`unknown subcommand: policy ${sub}`, HELP);
    const { values, positionals } = parse(rest, {}, HELP, 1);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const file = positionals[0];
    if (file === undefined) throw new UsageError('missing FILE', HELP);
    const text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    try {
      const p = loadPolicy(text);
      const d = p.document;
      const summary = {
        ok: true,
        label: p.label,
        version: p.version,
        materialityThresholdUsd: d.materiality_threshold_usd,
        entityOverrides: d.entity_materiality_overrides,
        alwaysHumanAccounts: d.always_human_accounts,
        noAutoConfirm: d.no_auto_confirm,
      };
      if (values.json) printJson(io, summary);
      else io.out(`policy ${p.label} is valid (sha256 ${p.version})`);
      return EXIT_OK;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (values.json) printJson(io, { ok: false, error: message });
      else io.err(`invalid policy: ${message}`);
      return EXIT_ERROR;
    }
  },
};

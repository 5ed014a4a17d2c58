import { runAdversarial } from './adversarial/run.js';
import { measureToolLatency } from './latency/tools.js';
import type { EvalOptions } from './runEval.js';

/**
 * The MCP-dependent parts of the harness (adversarial red team, per-tool
 * latency over HTTP), kept behind one seam.
 */
export function defaultEvalHooks(opts: { quick: boolean }): Pick<EvalOptions, 'adversarial' | 'toolLatency'> {
  return {
    adversarial: runAdversarial,
    toolLatency: (ws, template, policyText) => () =>
      measureToolLatency(ws, template, policyText, opts.quick ? 20 : 60),
  };
}

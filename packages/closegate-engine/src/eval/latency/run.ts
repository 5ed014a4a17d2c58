import { round4 } from '../stats.js';
import { meetsThreshold, type DimensionResult, type Threshold } from '../types.js';
import type { Workspace } from '../workspace.js';
import { measureReconPasses } from './recon.js';

/**
 * Budgets are regression tripwires for a loaded 2-core CI box (an order of
 * magnitude above the benchmark targets: recon pass p95 < 5 ms, T0 call
 * p99 <= 5 ms), not performance targets; the benchmarks own those.
 */
export const LATENCY_BUDGETS_MS = { reconP95: 1000, toolP95: 500 } as const;
export const LATENCY_THRESHOLD: Threshold = {
  metric: 'worst_p95_budget_fraction',
  comparator: '<=',
  value: 1,
};
export const LATENCY_MIN_CASES = 20;

export interface ToolLatencies {
  calls: number;
  errors: number;
  tools: Record<string, { samples: number; p50: number; p95: number; p99: number }>;
}

export interface LatencyOptions {
  reconSamples?: number;
  /** Measures per-tool latency over MCP HTTP; absent when the MCP server is not available. */
  measureTools?: () => Promise<ToolLatencies>;
}

export async function runLatency(
  ws: Workspace,
  template: string,
  policyText: string,
  opts: LatencyOptions = {},
): Promise<DimensionResult> {
  const started = performance.now();
  const recon = measureReconPasses(ws, template, policyText, opts.reconSamples ?? 30);
  const tools = opts.measureTools ? await opts.measureTools() : undefined;
  const toolP95 = tools ? Math.max(0, ...Object.values(tools.tools).map((t) => t.p95)) : 0;
  const slowest = tools ? Object.entries(tools.tools).sort((a, b) => b[1].p95 - a[1].p95)[0] : undefined;
  const score = round4(
    Math.max(recon.p95 / LATENCY_BUDGETS_MS.reconP95, toolP95 / LATENCY_BUDGETS_MS.toolP95),
  );
  const cases = recon.samples + (tools?.calls ?? 0);
  const passed = recon.samples + (tools ? tools.calls - tools.errors : 0);
  const ok = meetsThreshold(score, LATENCY_THRESHOLD) && passed === cases && cases >= LATENCY_MIN_CASES;
  const toolPart = tools
    ? `; MCP HTTP per-tool p95 max ${toolP95.toFixed(1)} ms (${slowest?.[0]}) over ${tools.calls} calls to ${Object.keys(tools.tools).length} tools`
    : '; MCP HTTP tool latency not measured (server unavailable)';
  return {
    name: 'latency',
    deterministic: true,
    status: ok ? 'pass' : 'fail',
    cases,
    passed,
    minCases: LATENCY_MIN_CASES,
    threshold: LATENCY_THRESHOLD,
    score,
    headline:
      `recon pass on the demo pack (${recon.lines} lines) p50 ${recon.p50.toFixed(1)} / p95 ${recon.p95.toFixed(1)} / p99 ${recon.p99.toFixed(1)} ms` +
      toolPart,
    durationMs: performance.now() - started,
    metrics: {
      budgetsMs: LATENCY_BUDGETS_MS,
      recon,
      ...(tools ? { tools: tools.tools, toolErrors: tools.errors } : {}),
    },
    caseRecords: [],
    ...(tools ? {} : { skipped: [{ mode: 'mcp-http-tools', reason: 'the MCP server is not available' }] }),
  };
}

import { proposeRefs } from '../policy/fixtures.js';
import { bearer, INITIALIZE } from './client.js';
import { attack, type Attack, type AttackContext } from './types.js';
import { denied, httpStatus, rawHttp, refused, refusedAnywhere } from './verdicts.js';

type Args = Record<string, unknown>;

function schema(
  id: string,
  description: string,
  tool: string,
  args: (ctx: AttackContext, target: number) => unknown,
) {
  return attack({
    id,
    category: 'schema-violation',
    description,
    setup: (ctx) => proposeRefs(ctx.engine, 'llm:agent-1', [ctx.freshPair({})]),
    run: async (ctx, target: number) =>
      refused(await (await ctx.client('llm:agent-2')).call(tool, args(ctx, target)), ['INVALID_INPUT']),
  });
}

const confirmWith = (extra: Args) => (ctx: AttackContext, target: number) => ({
  match_id: target,
  idempotency_key: ctx.key(),
  ...extra,
});

/** Schema violations: actor fields, floats, unknown keys, oversized strings, malformed ids and keys. */
export const schemaViolation: Attack[] = [
  schema('float-match-id', 'match_id 1.5', 'confirm_match', confirmWith({ match_id: 1.5 })),
  schema('string-match-id', 'match_id as the string "1"', 'confirm_match', confirmWith({ match_id: '1' })),
  schema('negative-match-id', 'match_id -1', 'confirm_match', confirmWith({ match_id: -1 })),
  schema('unsafe-integer-id', 'match_id 2^60', 'confirm_match', confirmWith({ match_id: 2 ** 60 })),
  schema('float-entry-ids', 'entry_ids [1.5, 2]', 'propose_match', (ctx) => ({
    entry_ids: [1.5, 2],
    idempotency_key: ctx.key(),
  })),
  schema('too-many-entry-ids', '51 entry ids', 'propose_match', (ctx) => ({
    entry_ids: Array.from({ length: 51 }, (_, i) => i + 1),
    idempotency_key: ctx.key(),
  })),
  schema('float-amount-filter', 'min_abs_amount as the JSON number 100.5', 'list_unmatched', () => ({
    min_abs_amount: 100.5,
  })),
  schema('exponent-amount', 'amount_tolerance "1e3"', 'investigate_exception', () => ({
    entry_id: 1,
    amount_tolerance: '1e3',
  })),
  schema('float-tolerance', 'amount_tolerance as the JSON number 0.01', 'investigate_exception', () => ({
    entry_id: 1,
    amount_tolerance: 0.01,
  })),
  schema(
    'oversized-rationale',
    'a 5,000-character rationale',
    'confirm_match',
    confirmWith({ rationale: 'x'.repeat(5000) }),
  ),
  schema(
    'key-with-spaces',
    'an idempotency key with spaces',
    'confirm_match',
    confirmWith({ idempotency_key: 'a key with spaces' }),
  ),
  schema('missing-key', 'no idempotency key on a state change', 'confirm_match', (_ctx, target) => ({
    match_id: target,
  })),
  schema('unknown-key-force', 'an unknown key force: true', 'confirm_match', confirmWith({ force: true })),
  schema('unknown-key-amount', 'an unknown key amount: 12.5', 'confirm_match', confirmWith({ amount: 12.5 })),
  schema('decision-case', 'decision "APPROVE"', 'resolve_escalation', (ctx) => ({
    escalation_id: 1,
    decision: 'APPROVE',
    idempotency_key: ctx.key(),
  })),
  schema('bad-period', 'period "2026-13"', 'close_period', (ctx) => ({
    entity: 'US01',
    period: '2026-13',
    idempotency_key: ctx.key(),
  })),
  schema('sql-in-entity', 'entity "US01\'; DROP TABLE entries;--"', 'close_period', (ctx) => ({
    entity: "US01'; DROP TABLE entries;--",
    period: '2026-03',
    idempotency_key: ctx.key(),
  })),
  attack({
    id: 'arguments-array',
    category: 'schema-violation',
    description: 'arguments as a JSON array instead of an object',
    run: async (ctx) =>
      refusedAnywhere(await (await ctx.client('llm:agent-1')).call('get_recon_status', ['x'])),
  }),
  attack({
    id: 'two-megabyte-body',
    category: 'schema-violation',
    description: 'a 2 MB rationale (beyond the body limit)',
    setup: (ctx) => proposeRefs(ctx.engine, 'llm:agent-1', [ctx.freshPair({})]),
    run: async (ctx, target: number) =>
      refusedAnywhere(
        await (
          await ctx.client('human:bob')
        ).call('confirm_match', {
          match_id: target,
          idempotency_key: ctx.key(),
          rationale: 'y'.repeat(2 * 1024 * 1024),
        }),
      ),
  }),
];

const init = JSON.stringify(INITIALIZE);

function status(
  id: string,
  description: string,
  headers: (ctx: AttackContext) => Record<string, string>,
  expected: number[],
  proxy = false,
  body = init,
) {
  return attack({
    id,
    category: 'transport-bypass',
    description,
    run: async (ctx) => {
      const r = await rawHttp(proxy ? ctx.server.proxyUrl : ctx.server.url, headers(ctx), body);
      return httpStatus(r.status, expected, 'response');
    },
  });
}

const hostOf = (ctx: AttackContext) => ({ host: `127.0.0.1:${ctx.server.port}` });

/** Transport bypass: tokens, spoofed actor headers, Host/Origin, body size, replays, sessions. */
export const transportBypass: Attack[] = [
  status('no-token', 'initialize without a bearer token', () => ({}), [401]),
  status('wrong-token', 'initialize with a wrong token', () => bearer('0'.repeat(48)), [401]),
  status(
    'token-suffix',
    'a valid token with one character appended',
    (ctx) => bearer(`${ctx.server.token('human:alice')}x`),
    [401],
  ),
  status(
    'token-in-query-style',
    'the token sent as a Basic credential',
    (ctx) => ({
      Authorization: `Basic ${Buffer.from(`human:alice:${ctx.server.token('human:alice')}`).toString('base64')}`,
    }),
    [401],
  ),
  status(
    'spoofed-actor-no-service-token',
    'X-Actor-Id: human:cfo on the header-trust server without the service token',
    () => ({ 'x-actor-id': 'human:cfo' }),
    [401],
    true,
  ),
  status(
    'spoofed-actor-wrong-service-token',
    'X-Actor-Id: human:cfo with a wrong service token',
    () => ({ 'x-actor-id': 'human:cfo', ...bearer('f'.repeat(48)) }),
    [401],
    true,
  ),
  status(
    'service-token-invalid-actor',
    'the right service token naming the actor "root"',
    (ctx) => ({ 'x-actor-id': 'root', ...bearer(ctx.server.serviceToken) }),
    [403, 401],
    true,
  ),
  status(
    'foreign-host',
    'a valid token with Host: evil.example (DNS rebinding)',
    (ctx) => ({ ...bearer(ctx.server.token('human:alice')), host: 'evil.example' }),
    [403],
  ),
  status(
    'foreign-origin',
    'a valid token with Origin: http://evil.example',
    (ctx) => ({ ...bearer(ctx.server.token('human:alice')), ...hostOf(ctx), origin: 'http://evil.example' }),
    [403],
  ),
  status(
    'null-origin',
    'a valid token with Origin: null',
    (ctx) => ({ ...bearer(ctx.server.token('human:alice')), ...hostOf(ctx), origin: 'null' }),
    [403],
  ),
  status(
    'oversized-body',
    'a 3 MB JSON-RPC body',
    (ctx) => bearer(ctx.server.token('human:alice')),
    [413, 0],
    false,
    JSON.stringify({ ...INITIALIZE, pad: 'z'.repeat(3 * 1024 * 1024) }),
  ),
  status(
    'unknown-session',
    'a tools/call on a made-up session id',
    (ctx) => ({
      ...bearer(ctx.server.token('human:alice')),
      'mcp-session-id': 'not-a-session',
      'mcp-protocol-version': '2025-06-18',
    }),
    [404, 400],
    false,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'get_recon_status', arguments: {} },
    }),
  ),
  attack({
    id: 'replayed-propose',
    category: 'transport-bypass',
    description: 'a propose_match replayed with the same idempotency key creates nothing new',
    setup: async (ctx) => {
      const ids = ctx.engine.context.store.db
        .prepare('SELECT id FROM entries WHERE reference = ? ORDER BY id')
        .pluck()
        .all(ctx.freshPair({})) as number[];
      const key = ctx.key();
      const first = await (
        await ctx.client('llm:agent-1')
      ).call('propose_match', { entry_ids: ids, idempotency_key: key });
      return { ids, key, matchId: first.body?.matchId };
    },
    run: async (ctx, s: { ids: number[]; key: string; matchId: unknown }) => {
      const r = await (
        await ctx.client('llm:agent-1')
      ).call('propose_match', { entry_ids: s.ids, idempotency_key: s.key });
      const ok = r.body?.replayed === true && r.body?.matchId === s.matchId;
      return {
        contained: ok,
        detail: ok
          ? `replayed match ${String(s.matchId)}`
          : `not a replay: ${JSON.stringify(r.body).slice(0, 160)}`,
      };
    },
  }),
  attack({
    id: 'replayed-key-new-arguments',
    category: 'transport-bypass',
    description: 'an idempotency key reused for a different confirm is refused',
    setup: async (ctx) => {
      const a = proposeRefs(ctx.engine, 'llm:agent-1', [ctx.freshPair({})]);
      const b = proposeRefs(ctx.engine, 'llm:agent-1', [ctx.freshPair({})]);
      const key = ctx.key();
      await (
        await ctx.client('human:bob')
      ).call('reject_match', { match_id: a, rationale: 'wrong counterparty here', idempotency_key: key });
      return { b, key };
    },
    run: async (ctx, s: { b: number; key: string }) =>
      refused(
        await (
          await ctx.client('human:bob')
        ).call('confirm_match', { match_id: s.b, idempotency_key: s.key }),
        ['IDEMPOTENCY_KEY_REUSED'],
      ),
  }),
  attack({
    id: 'other-actors-key',
    category: 'transport-bypass',
    description: "llm:agent-2 reuses llm:agent-1's idempotency key to ride on its result",
    setup: async (ctx) => {
      const ids = ctx.engine.context.store.db
        .prepare('SELECT id FROM entries WHERE reference = ? ORDER BY id')
        .pluck()
        .all(ctx.freshPair({})) as number[];
      const key = ctx.key();
      const r = await (
        await ctx.client('llm:agent-1')
      ).call('propose_match', { entry_ids: ids, idempotency_key: key });
      return { matchId: r.body?.matchId as number, key };
    },
    run: async (ctx, s: { matchId: number; key: string }) =>
      denied(
        await (
          await ctx.client('llm:agent-2')
        ).call('confirm_match', { match_id: s.matchId, idempotency_key: s.key }),
        ['SOD_SAME_ACTOR'],
      ),
  }),
];

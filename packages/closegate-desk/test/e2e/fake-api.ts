/**
 * A stand-in for the agent service while it is being built: serves the built
 * desk and canned /api answers with the service's CSP. Used only to look at
 * pages in Chromium; the scenarios run against the real service.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type {
  AuditListResponse,
  CalendarResponse,
  EntryView,
  EscalationDetail,
  EscalationListResponse,
  ExceptionListResponse,
  MeResponse,
  ReconStatusResponse,
  RunListResponse,
} from '../../src/api/types';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const entry = (id: number, source: EntryView['source'], amount: string, currency = 'EUR'): EntryView => ({
  id,
  source,
  entity: 'DE01',
  accountCode: '1200',
  postingDate: '2026-01-14',
  amount,
  currency,
  reference: `INV-${1000 + id}`,
  description: source === 'gl' ? 'Customer receipt Müller GmbH' : 'SEPA CREDIT MUELLER GMBH',
  counterparty: 'Müller GmbH',
  state: 'proposed',
});

const me: MeResponse = { actorId: 'human:alice', displayName: 'Alice', csrfToken: 't', authMethod: 'dev' };
const inbox: EscalationListResponse = {
  page: 1,
  pageSize: 25,
  total: 2,
  rows: [
    {
      id: 3,
      subjectKind: 'match',
      subjectId: '41',
      tier: 'T2',
      clauseCode: 'MATERIALITY',
      amountLocal: { amount: '125000.00', currency: 'EUR' },
      amountUsd: '135000.00',
      entity: 'DE01',
      account: '1200',
      counterparty: 'Müller GmbH',
      proposer: 'engine:matcher',
      requestedBy: 'engine:autoconfirm',
      createdAt: '2026-01-15T10:00:00Z',
      ageDays: 4,
    },
    {
      id: 4,
      subjectKind: 'period',
      subjectId: 'US01:2026-01',
      tier: 'T3',
      clauseCode: 'PERIOD_CLOSE',
      amountLocal: null,
      amountUsd: null,
      entity: 'US01',
      account: null,
      counterparty: null,
      proposer: 'human:alice',
      requestedBy: 'human:alice',
      createdAt: '2026-01-18T10:00:00Z',
      ageDays: 1,
    },
  ],
};
const detail: EscalationDetail = {
  id: 3,
  action: 'confirm_match',
  subjectKind: 'match',
  subjectId: '41',
  state: 'open',
  tier: 'T2',
  clause: {
    code: 'MATERIALITY',
    text: 'Matches above the materiality threshold need a human.',
    pointer: '/materiality/usd',
    policyVersion: 'sha256:abc123',
    tier: 'T2',
  },
  requestedBy: 'engine:autoconfirm',
  requestRationale: 'above materiality',
  createdAt: '2026-01-15T10:00:00Z',
  resolvedBy: null,
  resolutionRationale: null,
  resolvedAt: null,
  match: {
    id: 41,
    type: 'fuzzy',
    state: 'pending_approval',
    proposedBy: 'engine:matcher',
    source: 'engine',
    score: '0.93',
    amountUsd: '135000.00',
    fx: [{ base: 'EUR', quote: 'USD', rate: '1.08', source: 'fixed', asOf: '2026-01-14' }],
    rationale: 'amount within 0 minor units, reference similar',
    intercompany: false,
    decidedBy: null,
    decisionRationale: null,
    createdAt: '2026-01-15T10:00:00Z',
    updatedAt: '2026-01-15T10:00:00Z',
    entries: [entry(1, 'gl', '125000.00'), entry(2, 'bank', '125000.00')],
  },
  sides: {
    left: [entry(1, 'gl', '125000.00')],
    right: [entry(2, 'bank', '125000.00')],
    leftLabel: 'GL',
    rightLabel: 'Bank',
  },
  varianceUsd: '0.00',
  proposerRationale: 'amount within 0 minor units, reference similar',
  votes: [],
  votesRequired: 1,
  auditEvents: [
    {
      seq: 17,
      eventId: 'e17',
      ts: '2026-01-15T10:00:00Z',
      actor: 'engine:matcher',
      type: 'MATCH_PROPOSED',
      payload: { matchId: 41 },
      hash: 'a'.repeat(64),
      prevHash: 'b'.repeat(64),
    },
  ],
  canVote: true,
  cannotVoteReason: null,
};
const exceptions: ExceptionListResponse = {
  page: 1,
  pageSize: 25,
  total: 2,
  rows: [entry(5, 'gl', '300.00'), entry(6, 'bank', '299.50')].map((e, i) => ({
    id: i + 1,
    entry: { ...e, state: 'exception' },
    reasonCode: 'AMOUNT_DIFFERS',
    detail: 'similar line(s) in the date window differ in amount beyond tolerance',
    raisedBy: 'engine:matcher',
    createdAt: '2026-01-16T00:00:00Z',
    ageDays: 3,
  })),
};
const bucket = (count: number, amount: string) => ({ count, totals: { EUR: amount } });
const status: ReconStatusResponse = {
  generatedAt: '2026-01-19T00:00:00Z',
  policyVersion: 'sha256:abc123',
  openEscalations: 2,
  openExceptions: 2,
  lastRun: {
    id: 1,
    state: 'SUCCEEDED',
    startedAt: '2026-01-19T00:00:00Z',
    finishedAt: '2026-01-19T00:00:01Z',
  },
  auditHead: { seq: 40, hash: 'c'.repeat(64) },
  rows: ['DE01', 'US01', 'JP01'].map((entity, i) => ({
    entity,
    period: '2026-01',
    currency: 'EUR',
    periodState: 'open' as const,
    matched: bucket(20 + i, '10000.00'),
    proposed: bucket(1, '50.00'),
    escalated: bucket(2, '125000.00'),
    exceptions: bucket(3 - i, '599.50'),
    unmatched: bucket(1, '10.00'),
    autoMatchRate: '0.8333',
    ageing: { '0-7': 3, '8-30': 2, '31-60': 1, '61+': 0 },
  })),
};
const audit: AuditListResponse = { page: 1, pageSize: 50, total: 1, rows: detail.auditEvents };
const calendar: CalendarResponse = {
  origin: 'default',
  entities: [
    { code: 'US01', timeZone: 'America/New_York' },
    { code: 'JP01', timeZone: 'Asia/Tokyo' },
  ],
  windows: [
    {
      entity: 'US01',
      period: '2026-01',
      opensLocal: '2026-02-01T00:00',
      closesLocal: '2026-02-05T18:00',
      opensUtc: '2026-02-01T05:00:00Z',
      closesUtc: '2026-02-05T23:00:00Z',
      periodState: 'open',
    },
    {
      entity: 'JP01',
      period: '2026-01',
      opensLocal: '2026-02-01T00:00',
      closesLocal: '2026-02-05T18:00',
      opensUtc: '2026-01-31T15:00:00Z',
      closesUtc: '2026-02-05T09:00:00Z',
      periodState: 'open',
    },
  ],
  intercompanyPairs: [['JP01', 'US01']],
  conflicts: [
    {
      kind: 'overlap',
      entities: ['JP01', 'US01'],
      period: '2026-01',
      message: 'JP01 closes while US01 is still open',
    },
  ],
};
const runs: RunListResponse = { rows: [] };

const ROUTES: Record<string, unknown> = {
  '/api/me': me,
  '/api/escalations': inbox,
  '/api/escalations/3': detail,
  '/api/exceptions': exceptions,
  '/api/recon/status': status,
  '/api/audit': audit,
  '/api/audit/head': { head: status.auditHead, lastVerification: null },
  '/api/calendar': calendar,
  '/api/runs': runs,
};

export async function startFakeApi(dist: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers = { 'content-security-policy': CSP };
    if (url.pathname.startsWith('/api/')) {
      const body = ROUTES[url.pathname];
      res.writeHead(body ? 200 : 404, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: { code: 'NOT_FOUND', message: url.pathname } }));
      return;
    }
    const file = path.join(dist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dist) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    res.writeHead(200, { ...headers, 'content-type': type });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

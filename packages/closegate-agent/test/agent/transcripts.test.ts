import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactText } from '../../src/store/redact.js';
import {
  fnBackend,
  harness,
  inspect,
  removeTempDirs,
  seededDb,
  SERVICE_TOKEN,
  toolCallEvents,
  type Harness,
} from './helpers.js';

const API_KEY = 'sk-ant-api03-THISISAFAKEKEYFORTESTS0123456789';
const GH_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

let h: Harness;
beforeAll(async () => {
  const db = seededDb();
  // Secrets that leak into the books: a memo carrying the service token and an API key.
  const e = inspect(db);
  try {
    e.operations.importCsv({
      actor: 'human:loader',
      csv: [
        'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty',
        `bank,US01,1010,2026-03-14,12.34,USD,LEAK-1,"pasted ${SERVICE_TOKEN} and ${API_KEY}",${GH_TOKEN}`,
      ].join('\n'),
    });
  } finally {
    e.close();
  }
  h = await harness({ dbPath: db, secrets: [API_KEY] });
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

describe('transcripts in agent.db', () => {
  it('are stored 0600 with secrets redacted everywhere (results, model text, summary)', async () => {
    const run = await h.run(
      fnBackend((_req, turn) =>
        turn === 0
          ? {
              content: [
                { type: 'text', text: `my key is ${API_KEY}; Authorization: Bearer ${SERVICE_TOKEN}` },
                { type: 'tool_use', id: 'u', name: 'list_unmatched', input: { limit: 1000 } },
              ],
            }
          : { content: [{ type: 'text', text: `done, token=${SERVICE_TOKEN}` }] },
      ),
      `reconcile; api_key=${API_KEY}`,
    );
    expect(fs.statSync(h.agentDb).mode & 0o777).toBe(0o600);
    for (const side of [`${h.agentDb}-wal`, `${h.agentDb}-shm`])
      if (fs.existsSync(side)) expect(fs.statSync(side).mode & 0o077).toBe(0);
    const transcript = h.store.getTranscript(run.id);
    expect(transcript.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['system', 'user', 'assistant', 'tool_call', 'tool_result']),
    );
    // The raw file, not only the API: no secret anywhere in it.
    h.store.close();
    const raw = new Database(h.agentDb, { readonly: true });
    try {
      const dump = JSON.stringify([
        raw.prepare('SELECT * FROM runs').all(),
        raw.prepare('SELECT * FROM transcript').all(),
      ]);
      expect(dump).toContain('LEAK-1'); // the line itself is there ...
      expect(dump).toContain('[REDACTED');
      for (const secret of [SERVICE_TOKEN, API_KEY, GH_TOKEN]) expect(dump).not.toContain(secret);
    } finally {
      raw.close();
    }
  });

  it('link every state-changing call to its MCP_TOOL_CALL audit event by run id', async () => {
    const { openAgentStore } = await import('../../src/store/sqlite-store.js');
    h.store = openAgentStore(h.agentDb, { secrets: [SERVICE_TOKEN, API_KEY] });
    const run = await h.run(
      fnBackend((_req, turn) =>
        turn === 0
          ? {
              content: [
                {
                  type: 'tool_use',
                  id: 'p',
                  name: 'propose_match',
                  input: { entry_ids: [60, 61], rationale: 'INV-4400' },
                },
                { type: 'tool_use', id: 's', name: 'get_recon_status', input: {} },
              ],
            }
          : { content: [{ type: 'text', text: 'ok' }] },
      ),
    );
    const keyed = h.store.getTranscript(run.id).filter((t) => t.kind === 'tool_call' && t.idempotencyKey);
    expect(keyed).toHaveLength(1);
    const key = keyed[0]!.idempotencyKey!;
    expect(key.startsWith(`agent:${run.id}:`)).toBe(true);
    const events = toolCallEvents(h.dbPath);
    const linked = events.filter((e) => e.idempotencyKey?.startsWith(`agent:${run.id}:`));
    expect(linked).toEqual([
      expect.objectContaining({ tool: 'propose_match', decision: 'allow', idempotencyKey: key }),
    ]);
    // reads are linked by the run's audit window (actor + seq range)
    const inWindow = events.filter((e) => e.seq > run.auditSeqStart! && e.seq <= run.auditSeqEnd!);
    expect(inWindow.map((e) => e.tool)).toEqual(['get_recon_status', 'propose_match', 'get_recon_status']);
  });

  it('run events (what SSE subscribers get) are redacted too', async () => {
    const { createAgentRunner } = await import('../../src/agent/runner.js');
    const runner = createAgentRunner({
      engine: h.engine,
      store: h.store,
      secrets: [SERVICE_TOKEN, API_KEY],
      backend: fnBackend((_req, turn) =>
        turn === 0
          ? { content: [{ type: 'tool_use', id: 'u', name: 'list_unmatched', input: { limit: 1000 } }] }
          : { content: [{ type: 'text', text: `bye ${API_KEY}` }] },
      ),
    });
    const handle = runner.startRun({ task: 'look', requestedBy: 'cron' });
    const events: unknown[] = [];
    for await (const e of handle.events()) events.push(e);
    const dump = JSON.stringify(events);
    expect(dump).toContain('LEAK-1');
    for (const secret of [SERVICE_TOKEN, API_KEY, GH_TOKEN]) expect(dump).not.toContain(secret);
  });

  it('redaction patterns (unit)', () => {
    expect(redactText('x Bearer abcdefgh12345678 y')).toBe('x Bearer [REDACTED] y');
    expect(redactText('"password": "hunter2hunter2"')).toContain('[REDACTED]');
    expect(
      redactText(
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      ),
    ).toBe('[REDACTED:jwt]');
    expect(redactText('plain memo 8000.00 TRSY-0302')).toBe('plain memo 8000.00 TRSY-0302');
    expect(redactText('exact abcdefgh-secret here', ['abcdefgh-secret'])).toBe(
      'exact [REDACTED:credential] here',
    );
  });
});

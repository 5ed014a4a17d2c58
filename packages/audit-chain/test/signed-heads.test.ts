import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  AuditChain,
  eventHash,
  generateSigningKeyPem,
  loadOrCreateKeyFile,
  openSqlite,
  readHeadLog,
  signedHeadMessage,
  signerFromHook,
  signerFromPrivateKey,
  type HeadSigner,
} from '../src/index.js';
import { tempDir } from './helpers.js';

interface Signed {
  file: string;
  headLog: string;
  db: Database.Database;
  chain: AuditChain;
  signer: HeadSigner;
  publicKey: string;
}

/** A signed chain of `txs` transactions of `per` events each, with a side file. */
function signedChain(txs: number, per = 3): Signed {
  const dir = tempDir();
  const file = path.join(dir, 'recon.db');
  const headLog = path.join(dir, 'heads.jsonl');
  const signer = loadOrCreateKeyFile(path.join(dir, 'keys', 'audit-signing.key'));
  const db = openSqlite(file);
  const chain = new AuditChain(db, { signer, headLog });
  for (let t = 0; t < txs; t++) {
    chain.transaction(() => {
      for (let i = 0; i < per; i++)
        chain.append({
          type: 'MATCH_PROPOSED',
          actor: 'engine:matcher',
          payload: { match_id: `m-${t}-${i}` },
        });
    });
  }
  return { file, headLog, db, chain, signer, publicKey: signer.publicKeyPem };
}

/** The attacker: a raw connection to the file, triggers of both tables dropped, no key. */
function attacker(file: string): Database.Database {
  const raw = new Database(file);
  for (const t of [
    'audit_events_no_update',
    'audit_events_no_delete',
    'audit_events_heads_no_update',
    'audit_events_heads_no_delete',
  ])
    raw.exec(`DROP TRIGGER IF EXISTS ${t}`);
  return raw;
}

/** Appends a row whose hash is correct (what anyone can compute): the forged append of the issue. */
function forgeAppend(raw: Database.Database, type: string, actor: string, payload: string): void {
  const last = raw.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as {
    seq: number;
    hash: string;
  };
  const seq = last.seq + 1;
  const row = {
    seq,
    eventId: `forged-${seq}`,
    ts: '2026-12-01T00:00:00.000Z',
    actor,
    type,
    payloadJson: payload,
  };
  raw
    .prepare(
      'INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(seq, row.eventId, row.ts, actor, type, payload, last.hash, eventHash(last.hash, row));
}

/** Re-hashes every row from `from` on (an attacker rewriting history). */
function rehashFrom(raw: Database.Database, from: number): void {
  interface Row {
    seq: number;
    event_id: string;
    ts: string;
    actor: string;
    type: string;
    payload: string;
  }
  const rows = raw.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(from) as Row[];
  let prev =
    from === 1
      ? '0'.repeat(64)
      : (raw
          .prepare('SELECT hash FROM audit_events WHERE seq = ?')
          .pluck()
          .get(from - 1) as string);
  for (const r of rows) {
    const hash = eventHash(prev, {
      seq: r.seq,
      eventId: r.event_id,
      ts: r.ts,
      actor: r.actor,
      type: r.type,
      payloadJson: r.payload,
    });
    raw.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
}

describe('signed heads: one signature per transaction', () => {
  it('signs each committed transaction once and writes its head to the side file after commit', () => {
    const s = signedChain(4, 3);
    expect(s.chain.count()).toBe(12);
    const heads = s.db.prepare('SELECT seq, key_id FROM audit_events_heads ORDER BY seq').all();
    expect(heads).toEqual([3, 6, 9, 12].map((seq) => ({ seq, key_id: s.signer.keyId })));
    expect(readHeadLog(s.headLog, 'audit_events').heads.map((h) => h.seq)).toEqual([3, 6, 9, 12]);
    const v = s.chain.verify();
    expect(v).toMatchObject({
      ok: true,
      count: 12,
      signatures: { heads: 4, latest: { seq: 12 }, headLogLatestSeq: 12 },
    });
    // the signature is a real Ed25519 signature over the documented message
    const latest = s.chain.signedHead()!;
    const msg = signedHeadMessage('audit_events', latest.seq, latest.hash, latest.ts, latest.keyId);
    expect(
      crypto.verify(null, msg, crypto.createPublicKey(s.publicKey), Buffer.from(latest.sig, 'base64')),
    ).toBe(true);
  });

  it('a rolled-back transaction leaves neither a signed head nor a side-file line', () => {
    const s = signedChain(1, 2);
    expect(() =>
      s.chain.transaction(() => {
        s.chain.append({ type: 'X', actor: 'engine:t', payload: {} });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.chain.count()).toBe(2);
    expect(readHeadLog(s.headLog, 'audit_events').heads.map((h) => h.seq)).toEqual([2]);
    s.chain.append({ type: 'Y', actor: 'engine:t', payload: {} }); // own transaction, sealed too
    expect(s.chain.verify()).toMatchObject({
      ok: true,
      count: 3,
      signatures: { latest: { seq: 3 }, headLogLatestSeq: 3 },
    });
  });

  it('an unsigned chain verifies as before (no signatures field) and fails once a public key is required', () => {
    const file = path.join(tempDir(), 'plain.db');
    const db = openSqlite(file);
    const chain = new AuditChain(db);
    chain.append({ type: 'X', actor: 'engine:t', payload: {} });
    expect(chain.verify()).toEqual({ ok: true, count: 1, head: chain.head() });
    const other = signerFromPrivateKey(generateSigningKeyPem());
    expect(chain.verify({ publicKey: other.publicKeyPem })).toMatchObject({
      ok: false,
      reason: 'unsigned_tail',
      brokenSeq: 1,
    });
    // opening it with a signer seals the existing history in the first transaction
    const signed = new AuditChain(db, { signer: other });
    expect(signed.seal()).toMatchObject({ seq: 1 });
    expect(signed.verify()).toMatchObject({ ok: true, signatures: { latest: { seq: 1 } } });
  });

  it('a KMS-style hook signs without the private key in this process', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    let calls = 0;
    const signer = signerFromHook({
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      sign: (m) => (calls++, crypto.sign(null, m, privateKey)),
    });
    const chain = new AuditChain(openSqlite(path.join(tempDir(), 'k.db')), { signer });
    chain.transaction(() => {
      for (let i = 0; i < 10; i++) chain.append({ type: 'X', actor: 'engine:t', payload: { i } });
    });
    expect(calls).toBe(1);
    expect(chain.verify()).toMatchObject({ ok: true, count: 10 });
  });
});

describe('signed heads against an attacker who can write the database but lacks the key', () => {
  it('forged append with a correct hash → unsigned_tail (even with a head exported before it)', () => {
    const s = signedChain(3);
    const exported = s.chain.head()!;
    const raw = attacker(s.file);
    forgeAppend(raw, 'MATCH_CONFIRMED', 'human:alice', '{"match_id":"m-0-0"}');
    // the old, unkeyed check passes; the signed one names the forged event
    expect(new AuditChain(s.db).verify({ expectHead: exported, checkTriggers: false })).toMatchObject({
      ok: true,
    });
    expect(s.chain.verify({ expectHead: exported, checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'unsigned_tail',
      brokenSeq: 10,
    });
  });

  it('a forged signed head (attacker key) for the forged event → signature_invalid', () => {
    const s = signedChain(2);
    const raw = attacker(s.file);
    forgeAppend(raw, 'MATCH_CONFIRMED', 'human:alice', '{}');
    const mine = signerFromPrivateKey(generateSigningKeyPem());
    const head = raw.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    const ts = new Date().toISOString();
    // claims the real key id, signed with the attacker's key
    const sig = Buffer.from(
      mine.sign(signedHeadMessage('audit_events', head.seq, head.hash, ts, s.signer.keyId)),
    ).toString('base64');
    raw
      .prepare('INSERT INTO audit_events_heads VALUES (?, ?, ?, ?, ?)')
      .run(head.seq, head.hash, ts, s.signer.keyId, sig);
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'signature_invalid',
      brokenSeq: 7,
    });
  });

  it('full re-hash of rewritten history → signed_head_mismatch; with the heads deleted too → unsigned_tail', () => {
    const s = signedChain(3);
    const raw = attacker(s.file);
    raw.prepare(`UPDATE audit_events SET actor = 'human:bob' WHERE seq = 2`).run();
    rehashFrom(raw, 2);
    expect(new AuditChain(s.db).verify({ checkTriggers: false })).toMatchObject({ ok: true }); // unkeyed: clean
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'signed_head_mismatch',
      brokenSeq: 3,
    });
    raw.exec('DELETE FROM audit_events_heads');
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'unsigned_tail',
      brokenSeq: 1,
    });
  });

  it('truncation of events only → truncated (the heads name a seq the chain lost)', () => {
    const s = signedChain(3);
    attacker(s.file).exec('DELETE FROM audit_events WHERE seq > 4');
    expect(s.chain.verify({ checkTriggers: false, headLog: path.join(tempDir(), 'none') })).toMatchObject({
      ok: false,
      reason: 'truncated',
      brokenSeq: 5,
    });
  });

  it('truncation of events and heads back to a signed head: caught by the side file, not without it', () => {
    const s = signedChain(3);
    const raw = attacker(s.file);
    raw.exec('DELETE FROM audit_events WHERE seq > 6; DELETE FROM audit_events_heads WHERE seq > 6');
    // the database alone is consistent again: this is what the side file and exports are for
    const dbOnly = new AuditChain(s.db).verify({ checkTriggers: false, publicKey: s.publicKey });
    expect(dbOnly).toMatchObject({ ok: true, count: 6 });
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'truncated',
      brokenSeq: 7,
    });
    fs.rmSync(s.headLog);
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({ ok: false, reason: 'head_log_missing' });
  });

  it('emptied tables → truncated at seq 1 with the side file', () => {
    const s = signedChain(2);
    attacker(s.file).exec('DELETE FROM audit_events; DELETE FROM audit_events_heads');
    expect(s.chain.verify({ checkTriggers: false })).toMatchObject({
      ok: false,
      reason: 'truncated',
      brokenSeq: 1,
    });
  });

  it('a forged line appended to the side file → head_log_invalid', () => {
    const s = signedChain(2);
    fs.appendFileSync(
      s.headLog,
      JSON.stringify({
        table: 'audit_events',
        seq: 99,
        hash: 'a'.repeat(64),
        ts: 'x',
        key_id: s.signer.keyId,
        sig: 'AA==',
      }) + '\n',
    );
    expect(s.chain.verify()).toMatchObject({ ok: false, reason: 'head_log_invalid', brokenSeq: 99 });
  });

  it('verifying with a key that never signed the chain → signature_invalid', () => {
    const s = signedChain(2);
    const other = signerFromPrivateKey(generateSigningKeyPem());
    expect(s.chain.verify({ publicKey: other.publicKeyPem })).toMatchObject({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it('the writer refuses to sign over a chain truncated under its signed heads', () => {
    const s = signedChain(2);
    attacker(s.file).exec('DELETE FROM audit_events WHERE seq > 3');
    expect(() => s.chain.append({ type: 'X', actor: 'engine:t', payload: {} })).toThrow(
      expect.objectContaining({ code: 'AUDIT_SIGNED_HEAD_CONFLICT' }),
    );
  });
});

describe('key rotation', () => {
  it('is an audited event sealed by the old key; either key verifies the whole chain', () => {
    const s = signedChain(2);
    const oldPem = s.publicKey;
    const next = signerFromPrivateKey(generateSigningKeyPem());
    const sealed = s.chain.rotateKey(next, 'human:security-officer');
    expect(sealed).toMatchObject({ seq: 7, keyId: s.signer.keyId });
    s.chain.transaction(() => s.chain.append({ type: 'X', actor: 'engine:t', payload: {} }));
    expect(s.chain.signedHead()).toMatchObject({ seq: 8, keyId: next.keyId });
    const rotation = s.chain.query({ type: 'AUDIT_KEY_ROTATED' })[0]!;
    expect(rotation.payload).toMatchObject({ previous_key_id: s.signer.keyId, key_id: next.keyId });
    for (const publicKey of [oldPem, next.publicKeyPem])
      expect(s.chain.verify({ publicKey, allSignatures: true })).toMatchObject({
        ok: true,
        signatures: { keyIds: [s.signer.keyId, next.keyId], signaturesChecked: 4 },
      });
    const stranger = signerFromPrivateKey(generateSigningKeyPem());
    expect(s.chain.verify({ publicKey: stranger.publicKeyPem })).toMatchObject({
      ok: false,
      reason: 'untrusted_key',
    });
  });

  it('an attacker cannot rotate to their own key: the rotation is not sealed by the old key', () => {
    const s = signedChain(2);
    const raw = attacker(s.file);
    const mine = signerFromPrivateKey(generateSigningKeyPem());
    const payload = JSON.stringify({
      key_id: mine.keyId,
      previous_key_id: s.signer.keyId,
      previous_public_key: s.publicKey,
      public_key: mine.publicKeyPem,
      reason: 'x',
    });
    forgeAppend(raw, 'AUDIT_KEY_ROTATED', 'human:security-officer', canonical(payload));
    forgeAppend(raw, 'MATCH_CONFIRMED', 'human:alice', '{}');
    const head = raw.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    const ts = new Date().toISOString();
    const sig = Buffer.from(
      mine.sign(signedHeadMessage('audit_events', head.seq, head.hash, ts, mine.keyId)),
    ).toString('base64');
    raw
      .prepare('INSERT INTO audit_events_heads VALUES (?, ?, ?, ?, ?)')
      .run(head.seq, head.hash, ts, mine.keyId, sig);
    expect(new AuditChain(s.db).verify({ checkTriggers: false, publicKey: s.publicKey })).toMatchObject({
      ok: false,
      reason: 'key_rotation_invalid',
      brokenSeq: 7,
    });
  });
});

describe('key file', () => {
  it('is created 0600 on first use, reused after, and refused when group-readable or a symlink', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'audit-signing.key');
    const a = loadOrCreateKeyFile(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadOrCreateKeyFile(file).keyId).toBe(a.keyId);
    fs.chmodSync(file, 0o640);
    expect(() => loadOrCreateKeyFile(file)).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_KEY' }));
    fs.chmodSync(file, 0o600);
    const link = path.join(dir, 'link.key');
    fs.symlinkSync(file, link);
    expect(() => loadOrCreateKeyFile(link)).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_PATH' }));
  });

  it('refuses a key that is not Ed25519', () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      signerFromPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_KEY' }));
  });
});

/** Canonical JSON of a flat object of strings: keys sorted (what append would store). */
function canonical(json: string): string {
  const o = JSON.parse(json) as Record<string, string>;
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );
}

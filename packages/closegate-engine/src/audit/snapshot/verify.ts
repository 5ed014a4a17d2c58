import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publicKeyFromPem, type VerifyResult } from 'audit-chain';
import { verifyEventLines } from '../bundle/verify.js';
import { sha256Hex } from '../bundle/manifest.js';
import { listSegments, readManifest, segmentHeadLine, segmentMessage } from './snapshot.js';

export interface SnapshotCheck {
  ok: boolean;
  segments: number;
  events: number;
  problems: string[];
  chain?: VerifyResult;
}

/**
 * Restores the chain from every segment in `dir` (as fetched back from
 * immutable storage) and verifies it with only the public key: each
 * manifest's signature and events hash, segments contiguous from seq 1 and
 * linked by hash, every segment's signed head, and the whole rebuilt chain.
 */
export function verifySnapshots(dir: string, publicKeyPem: string): SnapshotCheck {
  const key = publicKeyFromPem(publicKeyPem);
  const problems: string[] = [];
  const segments = listSegments(dir);
  if (segments.length === 0)
    return { ok: false, segments: 0, events: 0, problems: [`no segments in ${dir}`] };
  const eventLines: string[] = [];
  const headLines: string[] = [];
  let expectedFrom = 1;
  for (const s of segments) {
    const bytes = fs.readFileSync(path.join(dir, `${s.name}.manifest.json`));
    let sigOk = false;
    try {
      const sig = fs.readFileSync(path.join(dir, `${s.name}.manifest.json.sig`), 'utf8').trim();
      sigOk = crypto.verify(null, segmentMessage(bytes), key, Buffer.from(sig, 'base64'));
    } catch {
      sigOk = false;
    }
    if (!sigOk) problems.push(`${s.name}: manifest signature missing or not valid under the given key`);
    const m = readManifest(dir, s.name);
    if (m.fromSeq !== expectedFrom)
      problems.push(`${s.name}: starts at seq ${m.fromSeq}, expected ${expectedFrom}`);
    const events = fs.readFileSync(path.join(dir, m.events.file), 'utf8');
    if (sha256Hex(events) !== m.events.sha256)
      problems.push(`${m.events.file}: SHA-256 differs from its manifest`);
    const heads = fs.readFileSync(path.join(dir, m.heads.file), 'utf8');
    if (sha256Hex(heads) !== m.heads.sha256)
      problems.push(`${m.heads.file}: SHA-256 differs from its manifest`);
    for (const line of events.split('\n')) eventLines.push(line);
    for (const line of heads.split('\n')) headLines.push(line);
    headLines.push(segmentHeadLine(m));
    expectedFrom = m.toSeq + 1;
  }
  const { chain, events } = verifyEventLines(eventLines, headLines, publicKeyPem);
  if (!chain.ok) problems.push(`restored chain: ${chain.reason} at seq ${chain.brokenSeq}: ${chain.message}`);
  return { ok: problems.length === 0, segments: segments.length, events, problems, chain };
}

import crypto from 'node:crypto';

export const BUNDLE_FORMAT = 'closegate-evidence-bundle/v1';
export const MANIFEST = 'MANIFEST.json';
export const MANIFEST_SIG = 'MANIFEST.json.sig';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  filter: { period: string | null; entity: string | null };
  policy: { file: 'policy.yaml'; version: string; sha256: string };
  /** The chain's last event and the signed head that covers it. */
  head: { seq: number; hash: string } | null;
  signedHead: { seq: number; hash: string; ts: string; keyId: string; sig: string } | null;
  keyId: string;
  /** File name -> lower-case hex SHA-256 of its bytes (every file but the manifest and its signature). */
  files: Record<string, string>;
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The message the manifest signature covers: a domain tag, then the manifest's exact bytes. */
export function manifestMessage(manifestBytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from('closegate-evidence-bundle/v1 manifest\n', 'utf8'), manifestBytes]);
}

import crypto, { timingSafeEqual } from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 bytes; one-shot `crypto.hash` where the runtime has it (no Hash object per call). */
export const sha256: (value: string) => Buffer =
  typeof oneShot === 'function'
    ? (value) => oneShot('sha256', value, 'buffer')
    : (value) => crypto.createHash('sha256').update(value, 'utf8').digest();

export function sha256Hex(value: string): string {
  return sha256(value).toString('hex');
}

/**
 * Index of the digest equal to `presented`, or -1. Compares against every entry in
 * constant time and never exits early, so timing reveals neither whether nor which
 * entry matched. Digests have a fixed length, so the lengths leak nothing.
 */
export function findDigest(presented: Buffer, digests: readonly Buffer[]): number {
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    const equal = timingSafeEqual(presented, digests[i]!);
    // Branch-free select: keeps `found` without a data-dependent early exit.
    found = equal && found === -1 ? i : found;
  }
  return found;
}

import { isIP } from 'node:net';

function isLoopbackIPv4(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** Normalizes an IPv6 literal (brackets optional) with the WHATWG URL parser; undefined if not one. */
function normalizeIPv6(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIP(bare) !== 6) return undefined;
  return new URL(`http://[${bare}]/`).hostname;
}

/**
 * True for a literal loopback address as seen on a socket: 127.0.0.0/8, ::1, or the
 * IPv4-mapped form ::ffff:127.x.x.x.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (isLoopbackIPv4(address)) return true;
  const v6 = normalizeIPv6(address);
  if (v6 === undefined) return false;
  if (v6 === '[::1]') return true;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(v6);
  // The URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1; 0x7f.. is 127/8.
  return mapped !== null && mapped[1]!.length === 4 && mapped[1]!.startsWith('7f');
}

/** True for a bind host that stays on this machine: 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || isLoopbackAddress(h);
}

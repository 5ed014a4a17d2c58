/**
 * Destructive and secret-seeking wording in a prompt. Matching runs on a
 * normalised copy (NFKC, zero-width characters removed, lower case, runs of
 * whitespace collapsed) so `rm\u200b -rf` or full-width letters do not slip by.
 * This is a risk signal for the approval gate, not a sandbox.
 */
export interface WordingHit {
  readonly kind: 'destructive' | 'secret';
  readonly code: string;
}

type Rule = readonly [code: string, re: RegExp];

const DESTRUCTIVE: readonly Rule[] = [
  [
    'rm-recursive-force',
    /\brm\s+(?:-[a-z]*(?:rf|fr)[a-z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\b/,
  ],
  ['force-push', /\bgit\s+push\b[^\n]*\s(?:--force(?:-with-lease)?|-f)\b|\bforce[- ]?push/],
  ['git-reset-hard', /\bgit\s+(?:reset\s+--hard|clean\s+-[a-z]*f)/],
  ['drop-table', /\bdrop\s+(?:table|database|schema)\b|\btruncate\s+table\b/],
  ['delete-all-rows', /\bdelete\s+from\s+[\w."`]+\s*(?:;|$)/],
  ['disk-wipe', /\bmkfs(?:\.\w+)?\b|\bdd\s+if=|>\s*\/dev\/(?:sd|nvme|disk)|\bshred\b/],
  // Rewordings of a recursive delete that never say `rm -rf`.
  ['find-delete', /\bfind\b[^\n]*\s-delete\b|\bfind\b[^\n]*-exec\s+(?:rm|shred|unlink)\b/],
  [
    'delete-api',
    /\bshutil\.rmtree\b|\brmtree\s*\(|\bos\.(?:remove|unlink|removedirs|rmdir)\s*\(|\bfs\.(?:rm|rmdir)(?:sync)?\s*\([^)]*recursive|\brimraf\b|\bremove-item\b[^\n]*-recurse|\bfileutils\.rm_r/,
  ],
  [
    'pipe-to-interpreter',
    /\b(?:base64|openssl\s+(?:enc|base64))\b[^\n|]*\s(?:-d|--decode)\b[^\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k|fi)?sh\b|\b(?:curl|wget)\b[^\n]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k|fi)?sh|python3?|perl|ruby|node)\b|\b(?:ba|z)?sh\s+-c\s*["'`]?\$\(/,
  ],
  ['chmod-777', /\bchmod\s+(?:-r\s+)?777\b/],
  ['fork-bomb', /:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/],
  [
    'wipe-everything',
    /\b(?:wipe|erase|destroy|delete)\s+(?:the\s+)?(?:whole\s+|entire\s+)?(?:disk|drive|database|repo|repository|everything|all files|home directory)\b/,
  ],
];

const SECRET: readonly Rule[] = [
  [
    'environment-dump',
    /\b(?:print|dump|list|show|output|echo|reveal|send|upload|post|copy)\b[^\n]{0,40}\b(?:env(?:ironment)?)\s*var(?:iable)?s?\b|\bprintenv\b|\/proc\/(?:self|\d+)\/environ\b|\benv\s*\|/,
  ],
  [
    'send-elsewhere',
    /\b(?:send|post|upload|transmit|forward|beacon|ship)\b[^\n]{0,80}\bto\s+(?:https?:\/\/|ftp:\/\/|[a-z0-9-]+(?:\.[a-z0-9-]+)+\b|my\s+(?:server|endpoint|webhook|bucket))/,
  ],
  ['ssh-keys', /~\/\.ssh|\.ssh\/|\bid_(?:rsa|ed25519|ecdsa|dsa)\b|\bauthorized_keys\b/],
  ['dotenv', /(?:^|[\s'"`/(])\.env(?:\.[a-z]+)?\b/],
  [
    'credential-files',
    /\.aws\/|\.netrc\b|\.npmrc\b|\.pypirc\b|\.git-credentials\b|\.kube\/config|\bkubeconfig\b|\.docker\/config\.json/,
  ],
  ['credentials', /\bcredentials?\b/],
  ['system-secrets', /\/etc\/(?:shadow|sudoers)\b|\bkeychain\b|\bkeyring\b/],
  [
    'keys-and-tokens',
    /\b(?:private[_ -]?keys?|api[_ -]?keys?|access[_ -]?tokens?|secret[_ -]?keys?|passwords?|auth[_ -]?tokens?)\b/,
  ],
  [
    'exfiltration',
    /\bexfiltrat\w*|\b(?:curl|wget|nc|netcat)\b[^\n]*(?:\$\(|`)\s*(?:cat|env|printenv)\b|\bsend\b[^\n]{0,60}\b(?:secrets?|keys?|tokens?|credentials?)\b[^\n]{0,40}\bto\b/,
  ],
];

const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

export function normalizeWording(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(/\s+/g, ' ');
}

export function scanWording(text: string): WordingHit[] {
  const normalized = normalizeWording(text);
  const hits: WordingHit[] = [];
  for (const [code, re] of DESTRUCTIVE) if (re.test(normalized)) hits.push({ kind: 'destructive', code });
  for (const [code, re] of SECRET) if (re.test(normalized)) hits.push({ kind: 'secret', code });
  return hits;
}

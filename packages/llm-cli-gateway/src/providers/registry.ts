import { claude } from './claude.js';
import { codex } from './codex.js';
import type { ProviderContract, ProviderId } from './contract.js';
import { gemini } from './gemini.js';
import { grok } from './grok.js';
import { vibe } from './vibe.js';

/** The only CLIs the gateway will ever run. */
export const PROVIDERS: Readonly<Record<ProviderId, ProviderContract>> = Object.freeze({
  claude: claude as unknown as ProviderContract,
  codex: codex as unknown as ProviderContract,
  gemini: gemini as unknown as ProviderContract,
  grok: grok as unknown as ProviderContract,
  mistral: vibe as unknown as ProviderContract,
});

export function providerList(): ProviderContract[] {
  return Object.values(PROVIDERS);
}

export function isProviderId(value: string): value is ProviderId {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, value);
}

/** Every flag name a provider may emit, across all of its command shapes. */
export function emittableFlags(contract: ProviderContract): string[] {
  return [...new Set(contract.commands.flatMap((c) => Object.keys(c.flags)))].sort();
}

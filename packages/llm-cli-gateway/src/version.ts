import { packageVersion } from 'mcp-host';

/** The package version, from its package.json (found from src/ and dist/ alike). */
export const VERSION: string = packageVersion(import.meta.url, 'llm-cli-gateway') ?? '0.0.0';

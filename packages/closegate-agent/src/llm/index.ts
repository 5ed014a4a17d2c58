import path from 'node:path';
import { defaultSkillsDir } from '../agent/skills.js';
import { anthropicBackend } from './anthropic.js';
import { gatewayBackend } from './gateway.js';
import { loadScript, scriptedBackend } from './scripted.js';
import { BACKEND_NAMES, LlmBackendError, type BackendName, type LlmBackend } from './types.js';

export interface BackendConfig {
  backend?: string | undefined;
  /** scripted: the tool-use script (default skills/recon-operator/demo-script.json). */
  script?: string | undefined;
  /** anthropic / gateway model name. */
  model?: string | undefined;
  /** anthropic: Messages API base URL. */
  baseUrl?: string | undefined;
  /** llm-cli-gateway over HTTP (else a stdio child). */
  gatewayUrl?: string | undefined;
  gatewayToken?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export const DEFAULT_SCRIPT = () => path.join(defaultSkillsDir(), 'recon-operator', 'demo-script.json');

export function isBackendName(v: string): v is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(v);
}

/**
 * The backend chosen by config: `--backend`, else CLOSEGATE_AGENT_BACKEND, else
 * `scripted` (deterministic, no network: the default for demos and tests).
 */
export async function createBackend(config: BackendConfig = {}): Promise<LlmBackend> {
  const env = config.env ?? process.env;
  const name = config.backend ?? env.CLOSEGATE_AGENT_BACKEND ?? 'scripted';
  if (!isBackendName(name))
    throw new LlmBackendError(
      'BACKEND_UNKNOWN',
      `unknown backend ${JSON.stringify(name)}; one of ${BACKEND_NAMES.join(', ')}`,
    );
  switch (name) {
    case 'scripted':
      return scriptedBackend(loadScript(config.script ?? env.CLOSEGATE_AGENT_SCRIPT ?? DEFAULT_SCRIPT()));
    case 'anthropic':
      return anthropicBackend({ env, model: config.model, baseURL: config.baseUrl });
    case 'llm-cli-gateway':
      return gatewayBackend({
        url: config.gatewayUrl ?? env.CLOSEGATE_AGENT_GATEWAY_URL,
        token: config.gatewayToken ?? env.CLOSEGATE_AGENT_GATEWAY_TOKEN,
        model: config.model,
      });
  }
}

export { anthropicBackend, gatewayBackend, scriptedBackend, loadScript };

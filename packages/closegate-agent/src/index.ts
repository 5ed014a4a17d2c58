// closegate-agent: the agent service (recon-operator loop, LLM backends, operator API).
export * from './agent/types.js';
export {
  createAgentRunner,
  AgentInputError,
  DEFAULT_SKILL,
  type AgentRunnerOptions,
} from './agent/runner.js';
export { loadSkill, defaultSkillsDir, SkillError, type Skill } from './agent/skills.js';
export { offerTools, checkToolCall } from './agent/tool-policy.js';
export { detectInjections, looksLikeInjection, INJECTION_REASON_PREFIX } from './agent/injection.js';
export * from './llm/types.js';
export * from './mcp-client/types.js';
export { connectEngine } from './mcp-client/connect.js';
export { engineCommand } from './mcp-client/engine-command.js';
export type { AgentStore } from './store/types.js';
export { openAgentStore, type OpenAgentStoreOptions } from './store/sqlite-store.js';
export { redactText, redactValue } from './store/redact.js';

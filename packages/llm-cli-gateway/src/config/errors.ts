/**
 * A bad `config.toml` or environment override. `keyPath` names the offending
 * key (`limits.max_queue`, `http.principals[1].token_sha256`, `env:LLM_GATEWAY_HTTP_PORT`)
 * so the operator can fix it without guessing.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;

  constructor(
    readonly keyPath: string,
    /** What is wrong, without the key path (the CLI names the setting its own way). */
    readonly detail: string,
    readonly file?: string,
  ) {
    super(`${file !== undefined ? `${file}: ` : ''}${keyPath}: ${detail}`);
    this.name = 'ConfigError';
  }
}

import { EngineError } from '../errors.js';

/** The file's exact content (SHA-256) was already imported into this book, or is awaiting approval. */
export class DuplicateFileError extends EngineError {
  constructor(
    readonly sha256: string,
    prior: { id: number; state: string; createdAt: string; escalationId: number | null },
  ) {
    super(
      'IMPORT_DUPLICATE_FILE',
      `this file (sha256 ${sha256}) was already ${prior.state === 'imported' ? 'imported' : `submitted and is awaiting approval in escalation ${String(prior.escalationId)}`} on ${prior.createdAt}; nothing imported (pass --allow-duplicate-file to import it again)`,
      { sha256, priorImportId: prior.id, state: prior.state, escalationId: prior.escalationId },
    );
    this.name = 'DuplicateFileError';
  }
}

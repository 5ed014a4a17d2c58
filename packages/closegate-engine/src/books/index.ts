/** Books set-up: books.yaml schema and loading, apply, show, FX rates, stored settings. */
export { applyBooks, applyBooksInTransaction, type BooksApplyResult } from './apply.js';
export { BooksError, type BooksIssue } from './errors.js';
export { fxView, importFxRates, type FxImportInput, type FxImportResult, type FxView } from './fx.js';
export { checkMaterialityAgainstPolicy, loadBooks, validateBooks, type LoadedBooks } from './load.js';
export type { BooksChange } from './plan.js';
export { booksSchema, DEFAULT_MAX_STALENESS_DAYS, type BooksDocument, type BooksInput } from './schema.js';
export { booksCloseWindow } from './calendar.js';
export { booksView, type BooksView } from './show.js';
export { loadMatchingRules, maxStalenessDays, storedMatchingRules, type BooksSettings } from './settings.js';

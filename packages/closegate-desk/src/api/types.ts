/**
 * The desk's view of the /api contract: type-only, so nothing of the
 * service (nor zod) is bundled into the browser.
 */
export type * from '../../../closegate-agent/src/api/contract';

import { closePeriod } from './closePeriod.js';
import { confirm } from './confirm.js';
import type { EngineContext, OperationResult } from './context.js';
import { escalate } from './escalate.js';
import { flagException } from './flagException.js';
import { importEntriesCsv, type ImportInput } from './importEntries.js';
import { propose } from './propose.js';
import { reject } from './reject.js';
import { resolveEscalation } from './resolveEscalation.js';
import { resolveException } from './resolveException.js';
import type {
  ClosePeriodInput,
  ConfirmInput,
  EscalateInput,
  FlagExceptionInput,
  ProposeInput,
  RejectInput,
  ResolveEscalationInput,
  ResolveExceptionInput,
} from './schemas.js';

/**
 * The one mutation API. Every method validates its input (zod, strict),
 * takes the actor from the caller's transport (never from tool arguments)
 * and runs gate + mutation + audit in one transaction, idempotently.
 */
export interface Operations {
  propose(input: ProposeInput): OperationResult;
  confirm(input: ConfirmInput): OperationResult;
  reject(input: RejectInput): OperationResult;
  flagException(input: FlagExceptionInput): OperationResult;
  resolveException(input: ResolveExceptionInput): OperationResult;
  escalate(input: EscalateInput): OperationResult;
  resolveEscalation(input: ResolveEscalationInput): OperationResult;
  closePeriod(input: ClosePeriodInput): OperationResult;
  importCsv(input: ImportInput): OperationResult;
}

export function createOperations(ctx: EngineContext): Operations {
  return {
    propose: (input) => propose(ctx, input),
    confirm: (input) => confirm(ctx, input),
    reject: (input) => reject(ctx, input),
    flagException: (input) => flagException(ctx, input),
    resolveException: (input) => resolveException(ctx, input),
    escalate: (input) => escalate(ctx, input),
    resolveEscalation: (input) => resolveEscalation(ctx, input),
    closePeriod: (input) => closePeriod(ctx, input),
    importCsv: (input) => importEntriesCsv(ctx, input),
  };
}

export type { EngineContext, OperationResult, DecisionJson, OperationStatus, FaultPoint } from './context.js';
export type { ImportInput } from './importEntries.js';
export type {
  ClosePeriodInput,
  ConfirmInput,
  EscalateInput,
  FlagExceptionInput,
  ProposeInput,
  RejectInput,
  ResolveEscalationInput,
  ResolveExceptionInput,
} from './schemas.js';

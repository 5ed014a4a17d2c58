export type JobErrorCode =
  | 'JOB_NOT_FOUND'
  | 'GATEWAY_SATURATED'
  | 'QUEUE_TIMEOUT'
  | 'QUEUE_ABORTED'
  | 'JOB_INVALID_TRANSITION'
  | 'JOB_STORE_CLOSED';

/** Errors of the job store and scheduler. `retryable` tells a client it may try again later. */
export class JobError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/**
 * The same error, word for word, for an unknown id and for another owner's id:
 * a caller cannot learn that someone else's job exists.
 */
export function jobNotFound(id: string): JobError {
  return new JobError('JOB_NOT_FOUND', `no job ${id} found`);
}

/** Every slot busy and the queue full: the client should back off and retry. */
export class SaturatedError extends JobError {
  constructor(
    readonly scope: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'GATEWAY_SATURATED',
      `gateway saturated: all ${scope} slots are busy and the queue is full; retry in about ${retryAfterSeconds} s`,
      true,
    );
    this.name = 'SaturatedError';
  }
}

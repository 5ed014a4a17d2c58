/**
 * Exit codes, the same for every command of the products built on this kernel
 * (closegate-engine, closegate-agent, llm-cli-gateway). The table with examples is
 * docs/cli-conventions.md; keep both in step.
 */
export const EXIT_OK = 0;
/** The command could not do its job: bad input data, a failed run, a file that could not be read. */
export const EXIT_ERROR = 1;
/** The command line or a setting is wrong: unknown command or option, missing or bad value. */
export const EXIT_USAGE = 2;
/** A verification ran to the end and found the evidence broken (audit chain, flight recorder). */
export const EXIT_VERIFY_FAILED = 3;
/** The policy gate denied the action or held it for a human's approval. */
export const EXIT_DENIED = 4;
/** A check ran to the end and did not pass (eval below its bar, a failing control, a budget hit). */
export const EXIT_NOT_PASSED = 5;

/**
 * closegate-policy: the pure controls core of closegate. Money, FX, close
 * calendar, state machines, policy.yaml validation and the policy gate.
 * No file, network, clock or randomness: time and FX rates are arguments.
 */
export * from './errors.js';
export * from './money/index.js';
export * from './fx/index.js';
export * from './calendar/index.js';
export * from './state/index.js';
export * from './policy/index.js';
export * from './gate/index.js';

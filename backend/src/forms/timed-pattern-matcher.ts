import vm from 'node:vm';
import type { PatternMatcher } from '@nixflow/core';

/** Longest a field pattern may run on one value (wall clock, so a busy machine gets one retry). */
export const PATTERN_TIMEOUT_MS = 100;
const ATTEMPTS = 2;

// One reusable context: V8 interrupts a running regex when the vm timeout fires, so a pattern that
// backtracks badly costs at most ATTEMPTS × PATTERN_TIMEOUT_MS instead of blocking the event loop.
const context = vm.createContext(Object.create(null) as object);
const script = new vm.Script('regex.test(value)');

/**
 * Runs a field pattern with a hard time limit; null when it did not finish in time twice in a row (the
 * limit is wall-clock time, so one timeout may just be the process being descheduled).
 */
export const timedPatternMatch: PatternMatcher = (regex, value) => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const result = runOnce(regex, value);
    if (result !== null) return result;
  }
  return null;
};

function runOnce(regex: RegExp, value: string): boolean | null {
  const scope = context as { regex?: RegExp; value?: string };
  scope.regex = regex;
  scope.value = value;
  try {
    return script.runInContext(context, { timeout: PATTERN_TIMEOUT_MS }) === true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return null;
    throw err;
  } finally {
    scope.regex = undefined;
    scope.value = undefined;
  }
}

import vm from 'node:vm';
import type { PatternMatcher } from '@nixflow/core';

/** Longest a field pattern may run on one value. */
export const PATTERN_TIMEOUT_MS = 50;

// One reusable context: V8 interrupts a running regex when the vm timeout fires, so a pattern that
// backtracks badly costs at most PATTERN_TIMEOUT_MS instead of blocking the event loop.
const context = vm.createContext(Object.create(null) as object);
const script = new vm.Script('regex.test(value)');

/** Runs a field pattern with a hard time limit; null when it did not finish in time. */
export const timedPatternMatch: PatternMatcher = (regex, value) => {
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
};

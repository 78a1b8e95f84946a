import { sameValue } from './values.js';
import type { FieldDefinition, VisibilityCondition } from './types.js';

/** Whether a condition holds for the controlling field's answer (lists: "contains"). */
export function conditionHolds(condition: VisibilityCondition, answer: unknown): boolean {
  const has = (target: unknown): boolean =>
    Array.isArray(answer) ? answer.some((a) => sameValue(a, target)) : sameValue(answer, target);
  if ('equals' in condition && condition.equals !== undefined) return has(condition.equals);
  if (Array.isArray(condition.in)) return condition.in.some(has);
  if ('notEquals' in condition && condition.notEquals !== undefined) return !has(condition.notEquals);
  return false;
}

/** Whether `field` is visible, given the set of visible fields before it (chains resolve in order). */
export function isVisible(
  field: FieldDefinition,
  visibleBefore: ReadonlySet<string>,
  valueOf: (key: string) => unknown,
): boolean {
  const cond = field.visibleWhen;
  if (!cond) return true;
  return visibleBefore.has(cond.field) && conditionHolds(cond, valueOf(cond.field));
}

/**
 * Keys of the fields that are visible for these answers: no condition, or the controlling (earlier)
 * field is itself visible and the condition holds for its answer.
 */
export function visibleFieldKeys(fields: readonly FieldDefinition[], valueOf: (key: string) => unknown): Set<string> {
  const visible = new Set<string>();
  for (const field of fields) if (isVisible(field, visible, valueOf)) visible.add(field.key);
  return visible;
}

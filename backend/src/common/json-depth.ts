import { BadRequestException } from '@nestjs/common';

/** Deepest nesting a request body may have; DTOs nest a few levels, attackers a few thousand. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a parsed JSON value, computed without recursion (so it cannot overflow the stack itself). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

/**
 * Express middleware run after the JSON parser: deeply nested bodies would overflow the stack of the
 * recursive validators (class-transformer) and answer 500; they get a 400 here instead.
 */
export function rejectDeepJson(maxDepth = MAX_JSON_DEPTH) {
  return (req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void => {
    if (req.body !== undefined && jsonDepth(req.body, maxDepth) > maxDepth) {
      next(new BadRequestException(`Request body is nested more than ${maxDepth} levels deep`));
      return;
    }
    next();
  };
}

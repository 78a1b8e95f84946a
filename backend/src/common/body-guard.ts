import { BadRequestException } from '@nestjs/common';

/** Deepest nesting a request body may have; DTOs nest a few levels, attackers a few thousand. */
export const MAX_JSON_DEPTH = 32;

export type BodyProblem = 'too-deep' | 'nul' | 'lone-surrogate';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): BodyProblem | undefined {
  if (s.includes('\u0000')) return 'nul';
  // Lone UTF-16 surrogates are not text: validators that encodeURI() them throw, PostgreSQL cannot store them.
  if (LONE_SURROGATE.test(s)) return 'lone-surrogate';
  return undefined;
}

/**
 * What is wrong with a parsed JSON body, if anything: nesting deeper than `maxDepth`, or a key or string
 * holding a NUL byte or a lone surrogate. Iterative, so that it cannot overflow the stack itself.
 */
export function bodyProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): BodyProblem | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) return p;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return 'too-deep';
    if (Array.isArray(v)) {
      for (const child of v) stack.push([child, depth + 1]);
    } else {
      for (const [k, child] of Object.entries(v)) {
        const p = textProblem(k);
        if (p) return p;
        stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}

const MESSAGES: Record<BodyProblem, string> = {
  'too-deep': `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
  nul: 'Request body contains a NUL character, which text fields cannot hold',
  'lone-surrogate': 'Request body contains invalid Unicode (a lone surrogate)',
};

/**
 * Express middleware after the body parsers. Without it, deeply nested bodies overflow the recursive
 * validators (class-transformer) and lone surrogates make validator.js throw: both were 500s.
 */
export function rejectUnsafeBodies() {
  return (req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void => {
    const problem = req.body === undefined ? undefined : bodyProblem(req.body);
    next(problem ? new BadRequestException(MESSAGES[problem]) : undefined);
  };
}

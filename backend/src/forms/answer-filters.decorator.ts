import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

export const ANSWER_FILTER_PREFIX = 'answer.';

/** `answer.<key>=value` query parameters as { key: [values] }. */
export const AnswerFilters = createParamDecorator((_data: unknown, ctx: ExecutionContext): Record<string, string[]> => {
  const query = (ctx.switchToHttp().getRequest().query ?? {}) as Record<string, unknown>;
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!name.startsWith(ANSWER_FILTER_PREFIX)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    out[name.slice(ANSWER_FILTER_PREFIX.length)] = values;
  }
  return out;
});

/** The query without `answer.*` parameters (validated by a DTO that cannot declare dynamic keys). */
export const QueryWithoutAnswers = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const query = (ctx.switchToHttp().getRequest().query ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(query).filter(([name]) => !name.startsWith(ANSWER_FILTER_PREFIX)));
});

import { RE2JS } from 're2js';
import { FORM_LIMITS } from './limits.js';

/**
 * A compiled field pattern. User patterns run on RE2 (re2js): matching is linear in the input whatever
 * the pattern, so no pattern (x(\w|\d)*y, (a+)+…) can block the event loop by backtracking.
 */
export interface CompiledPattern {
  test(value: string): boolean;
}

/**
 * A clear reason for syntax RE2 does not support (it would otherwise answer with a parser message), or
 * null. RE2 guarantees linear time by leaving out backreferences and lookaround.
 */
export function unsupportedPatternReason(source: string): string | null {
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) {
        return 'backreferences (like \\1) are not supported';
      }
      i++;
      continue;
    }
    if (c === '[') {
      // Skip the class: "(?=" inside [...] is three literal characters.
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '(' && /^\(\?(?:=|!|<=|<!)/.test(source.slice(i, i + 4))) {
      return 'lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported';
    }
  }
  return null;
}

const compiled = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 500;

export type PatternResult = { ok: true; regex: CompiledPattern } | { ok: false; error: string };

/**
 * Compiles a field pattern (anchored: the whole value must match) with RE2 once and caches it.
 * Definitions are checked with it when they are saved, so a pattern RE2 cannot compile is a 400 then.
 */
export function compilePattern(source: string): PatternResult {
  const cached = compiled.get(source);
  if (cached) return { ok: true, regex: cached };
  if (source.length > FORM_LIMITS.maxPatternLength) {
    return { ok: false, error: `pattern must be at most ${FORM_LIMITS.maxPatternLength} characters` };
  }
  const unsupported = unsupportedPatternReason(source);
  if (unsupported) return { ok: false, error: `pattern rejected: ${unsupported}` };
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${source})$`);
  } catch (err) {
    return { ok: false, error: `pattern is not a valid regular expression (${(err as Error).message})` };
  }
  const pattern: CompiledPattern = { test: (value) => re.matches(value) };
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, pattern);
  return { ok: true, regex: pattern };
}

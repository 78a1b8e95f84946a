import { FORM_LIMITS } from './limits.js';

/**
 * Why a pattern could backtrack catastrophically, or null. Conservative static checks on the source:
 * no backreferences, no quantified group that itself contains a repeating quantifier ((a+)+, (\w*x)*),
 * no quantified alternation whose branches overlap ((a|a)*, (a|ab)+). Inputs are length-capped as well.
 */
export function unsafePatternReason(source: string): string | null {
  interface Frame {
    repeats: boolean;
    alts: string[];
    start: number;
  }
  const stack: Frame[] = [{ repeats: false, alts: [''], start: 0 }];
  let last: Frame | 'atom' | null = null;
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const append = (s: string) => {
    const alts = top().alts;
    alts[alts.length - 1] += s;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return 'backreferences are not allowed';
      append(c + next);
      i += 2;
      last = 'atom';
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      append(source.slice(i, j + 1));
      i = j + 1;
      last = 'atom';
      continue;
    }
    if (c === '(') {
      const frame: Frame = { repeats: false, alts: [''], start: i };
      stack.push(frame);
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)?/.exec(source.slice(i));
      i += prefix ? prefix[0].length : 1;
      last = null;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) return null; // unbalanced: the RegExp constructor reports it
      const frame = stack.pop()!;
      if (frame.repeats) top().repeats = true;
      append(source.slice(frame.start, i + 1));
      last = frame;
      i++;
      continue;
    }
    if (c === '|') {
      top().alts.push('');
      last = null;
      i++;
      continue;
    }
    const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(source.slice(i));
    if (quantifier) {
      const [text, , comma, maxText] = quantifier;
      const repeats =
        text !== '?' && (text[0] !== '{' || (comma !== undefined && (maxText === '' || Number(maxText) > 1)));
      if (repeats && last !== null && last !== 'atom') {
        if (last.repeats) return 'nested quantifiers (like (a+)+) can take exponential time';
        if (overlapping(last.alts))
          return 'alternatives that overlap under a quantifier (like (a|ab)*) can take exponential time';
      }
      if (repeats) top().repeats = true;
      append(text);
      i += text.length;
      if (source[i] === '?') i++; // lazy
      last = null;
      continue;
    }
    append(c);
    last = 'atom';
    i++;
  }
  return null;
}

function overlapping(alts: string[]): boolean {
  if (alts.length < 2) return false;
  for (let a = 0; a < alts.length; a++) {
    for (let b = 0; b < alts.length; b++) {
      if (a !== b && alts[b]!.startsWith(alts[a]!)) return true;
    }
  }
  return false;
}

const compiled = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

export type PatternResult = { ok: true; regex: RegExp } | { ok: false; error: string };

/**
 * Compiles a field pattern (anchored, Unicode) once and caches it. Definitions are checked with it when
 * they are saved, so submissions only ever run patterns that passed the safety checks.
 */
export function compilePattern(source: string): PatternResult {
  const cached = compiled.get(source);
  if (cached) return { ok: true, regex: cached };
  if (source.length > FORM_LIMITS.maxPatternLength) {
    return { ok: false, error: `pattern must be at most ${FORM_LIMITS.maxPatternLength} characters` };
  }
  const unsafe = unsafePatternReason(source);
  if (unsafe) return { ok: false, error: `pattern rejected: ${unsafe}` };
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    return { ok: false, error: `pattern is not a valid regular expression (${(err as Error).message})` };
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, regex);
  return { ok: true, regex };
}

/** Long inputs that make a backtracking pattern show its worst case (then fail on the last character). */
export function patternProbes(length: number = FORM_LIMITS.maxPatternInput): string[] {
  const units = ['a', 'A', '0', ' ', '-', '_', '.', '@', '/', 'a0', 'aA0 -'];
  return units.map((u) => u.repeat(Math.ceil((length - 1) / u.length)).slice(0, length - 1) + '\u0000');
}

/**
 * Runs the probes through a time-limited matcher: true when one of them does not finish in time. Catches
 * the polynomial cases the static checks let through (\d*\d*\d*).
 */
export function patternTooSlow(regex: RegExp, match: (regex: RegExp, value: string) => boolean | null): boolean {
  return patternProbes().some((probe) => match(regex, probe) === null);
}

/** Placeholders a macro body may use, e.g. `Hello {{requester.name}}, about ticket #{{ticket.number}}`. */
export interface MacroContext {
  requesterName: string;
  requesterEmail: string;
  ticketNumber: number;
  ticketSubject: string;
  agentName: string;
}

const PLACEHOLDERS: Record<string, (c: MacroContext) => string> = {
  'requester.name': (c) => c.requesterName,
  'requester.email': (c) => c.requesterEmail,
  'ticket.number': (c) => String(c.ticketNumber),
  'ticket.subject': (c) => c.ticketSubject,
  'agent.name': (c) => c.agentName,
};

export const MACRO_PLACEHOLDERS = Object.keys(PLACEHOLDERS);

const PATTERN = /\{\{\s*([a-z.]+)\s*\}\}/gi;

/** Placeholders in a body that are not known (to refuse a macro when it is saved). */
export function unknownPlaceholders(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(PATTERN)) if (!(m[1].toLowerCase() in PLACEHOLDERS)) out.add(m[1]);
  return [...out];
}

/** The body with every known placeholder replaced (in one pass: a value is never expanded again). */
export function renderMacro(body: string, context: MacroContext): string {
  return body.replace(PATTERN, (whole, name: string) => PLACEHOLDERS[name.toLowerCase()]?.(context) ?? whole);
}

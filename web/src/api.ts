import { createNixflowClient, type Schemas, type TokenPair } from '@nixflow/client';

export type { Schemas };
export type Ticket = Schemas['TicketDto'];
export type User = Schemas['AuthUserDto'];

const TOKENS_KEY = 'nixflow.tokens';
const tokenListeners = new Set<() => void>();

function storedTokens(): TokenPair | undefined {
  try {
    const raw = sessionStorage.getItem(TOKENS_KEY);
    return raw ? (JSON.parse(raw) as TokenPair) : undefined;
  } catch {
    return undefined;
  }
}

/** The one API client: tokens live in sessionStorage (this tab only) and refresh on a 401. */
export const client = createNixflowClient({
  baseUrl: window.location.origin,
  // Live data behind a bearer token: never from the HTTP cache, and no conditional requests (304s).
  fetch: (request) => fetch(request, { cache: 'no-store' }),
  tokens: storedTokens(),
  onTokens: (tokens) => {
    if (tokens) sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else sessionStorage.removeItem(TOKENS_KEY);
    tokenListeners.forEach((l) => l());
  },
});
export const api = client.api;

export function onTokensChange(listener: () => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

interface ErrorBody {
  message?: string | string[];
  errors?: { field?: string; message?: string }[];
}

/** The message an error body carries, naming the fields when the API says which ones. */
function describe(status: number, error: unknown): string {
  const body = (error ?? {}) as ErrorBody;
  const fields = body.errors?.map((e) => `${e.field ?? ''}: ${e.message ?? ''}`).join('; ');
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return fields || message || `request failed (${status})`;
}

/** Unwraps an openapi-fetch result: the data, or an ApiError with the API's message. */
export async function ok<R extends FetchResult>(call: Promise<R>): Promise<NonNullable<R['data']>> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, describe(response.status, error));
  return data as NonNullable<R['data']>;
}

/** For routes whose response the OpenAPI document does not describe yet (knowledge base). */
export async function okAs<T>(call: Promise<FetchResult>): Promise<T> {
  return (await ok(call)) as T;
}

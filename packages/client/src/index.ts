import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/api.js';

export type { components, operations, paths } from './generated/api.js';
export type Schemas = components['schemas'];
export type TokenPair = Schemas['TokenPairDto'];
/** One page of a list route: `Page<Schemas['TicketDto']>` is what `GET /api/tickets` answers. */
export type Page<Item> = Schemas['PageMetaDto'] & { items: Item[] };

export interface NixflowClientOptions {
  /** Origin of the API, e.g. `http://127.0.0.1:3000` (paths carry the `/api` prefix). */
  baseUrl: string;
  /** Tokens from an earlier session. */
  tokens?: TokenPair;
  /** Called whenever the tokens change (login, refresh, logout: undefined), e.g. to persist them. */
  onTokens?: (tokens: TokenPair | undefined) => void;
  fetch?: typeof globalThis.fetch;
}

export interface NixflowClient {
  /** The typed openapi-fetch client: `api.GET('/api/tickets', { params: { query: { page: 1 } } })`. */
  api: Client<paths>;
  /** Signs in and keeps the token pair; throws NixflowAuthError on bad credentials. */
  login(email: string, password: string): Promise<TokenPair>;
  /** Revokes the user's tokens on the server (best effort) and forgets them here. */
  logout(): Promise<void>;
  /** The current token pair, if signed in. */
  readonly tokens: TokenPair | undefined;
}

export class NixflowAuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NixflowAuthError';
  }
}

const NO_REFRESH = new Set(['/api/auth/login', '/api/auth/refresh']);

/**
 * A client that sends `Authorization: Bearer <accessToken>` on every request and, when a request
 * answers 401, exchanges the refresh token once (concurrent 401s share one refresh) and retries it.
 */
export function createNixflowClient(options: NixflowClientOptions): NixflowClient {
  const baseFetch = options.fetch ?? globalThis.fetch;
  let tokens = options.tokens;
  let refreshing: Promise<boolean> | undefined;
  const setTokens = (next: TokenPair | undefined) => {
    tokens = next;
    options.onTokens?.(next);
  };

  // A plain client (no auth) for the token routes themselves.
  const plain = createClient<paths>({ baseUrl: options.baseUrl, fetch: (request) => baseFetch(request) });

  const refresh = (): Promise<boolean> => {
    const refreshToken = tokens?.refreshToken;
    if (!refreshToken) return Promise.resolve(false);
    refreshing ??= plain
      .POST('/api/auth/refresh', { body: { refreshToken } })
      .then(({ data }) => {
        setTokens(data);
        return data !== undefined;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  const withToken = (request: Request): Request => {
    if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return request;
  };

  const authedFetch = async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const sentWith = tokens?.accessToken;
    const response = await baseFetch(withToken(request));
    if (response.status !== 401 || NO_REFRESH.has(new URL(request.url).pathname)) return response;
    // Another request may have refreshed meanwhile; otherwise refresh now.
    const fresh = tokens?.accessToken !== sentWith || (await refresh());
    if (!fresh) return response;
    return baseFetch(withToken(retry));
  };

  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: authedFetch });

  return {
    api,
    get tokens() {
      return tokens;
    },
    async login(email, password) {
      const { data, error, response } = await plain.POST('/api/auth/login', { body: { email, password } });
      if (!data) throw new NixflowAuthError(response.status, error?.message ?? `login failed (${response.status})`);
      setTokens(data);
      return data;
    },
    async logout() {
      if (tokens) await api.POST('/api/auth/logout').catch(() => undefined);
      setTokens(undefined);
    },
  };
}

import http from 'node:http';

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: unknown;
  at: number;
}

/** A minimal SSE reader over a real socket, as a fetch-based browser client would read the stream. */
export interface SseClient {
  status: number;
  frames: SseFrame[];
  /** The id of the last frame that carried one (what a browser sends as Last-Event-ID). */
  lastEventId: string | undefined;
  ended: Promise<void>;
  waitFor(pred: (f: SseFrame) => boolean, what: string, timeoutMs?: number): Promise<SseFrame>;
  close(): void;
}

export function openSse(
  port: number,
  token: string | null,
  opts: { lastEventId?: string; path?: string } = {},
): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.lastEventId) headers['Last-Event-ID'] = opts.lastEventId;
    const req = http.get({ host: '127.0.0.1', port, path: opts.path ?? '/api/events/stream', headers }, (res) => {
      const frames: SseFrame[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const client: SseClient = {
        status: res.statusCode ?? 0,
        frames,
        lastEventId: opts.lastEventId,
        ended,
        waitFor(pred, what, timeoutMs = 120_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const hit = frames.find(pred);
              if (hit) {
                waiters.delete(check);
                clearTimeout(timer);
                ok(hit);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no SSE frame: ${what}; got ${JSON.stringify(frames.map((f) => [f.event, f.data]))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const raw = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (id !== undefined) client.lastEventId = id;
          if (data.length === 0) continue;
          const text = data.join('\n');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          frames.push({ id, event, data: parsed, at: Date.now() });
          for (const w of [...waiters]) w();
        }
      });
      res.on('end', () => endedResolve());
      res.on('close', () => endedResolve());
      resolve(client);
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

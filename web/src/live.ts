import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';

export interface TicketFrame {
  type: string;
  ticketId: string | null;
  ticketNumber: number | null;
}

type Listener = (frame: TicketFrame) => void;
const listeners = new Set<Listener>();

/** Subscribe to `ticket` frames of the live stream (the queue upserts the ticket it names). */
export function onTicketFrame(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Reads GET /api/events/stream through the typed client (the stream authenticates with the
 * Authorization header, which EventSource cannot send) and resumes with Last-Event-ID after a drop
 * or a token expiry; the client refreshes the token on the 401.
 */
async function readStream(signal: AbortSignal, onFrame: (event: string, data: unknown) => void) {
  let lastId: string | undefined;
  let retryMs = 3000;
  while (!signal.aborted) {
    try {
      const { response } = await api.GET('/api/events/stream', {
        params: { header: lastId ? { 'Last-Event-ID': lastId } : {} },
        parseAs: 'stream',
        signal,
      });
      if (response.ok && response.body) {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) lastId = line.slice(4);
              else if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
              else if (line.startsWith('retry: ')) retryMs = Number(line.slice(7)) || retryMs;
            }
            if (data) onFrame(event, JSON.parse(data));
          }
        }
      } else if (response.status === 401) {
        return; // signed out
      }
    } catch {
      // network drop or abort: retry below
    }
    await sleep(retryMs, signal);
  }
}

/** Keeps one live stream open while signed in; a frame refreshes what it touches. */
export function useLiveUpdates(enabled: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let pending: ReturnType<typeof setTimeout> | undefined;
    void readStream(abort.signal, (event, data) => {
      if (event === 'reset') {
        void queryClient.invalidateQueries();
        return;
      }
      if (event !== 'ticket') return;
      const frame = data as TicketFrame;
      listeners.forEach((l) => l(frame));
      if (frame.ticketId) void queryClient.invalidateQueries({ queryKey: ['ticket', frame.ticketId] });
      // Lists refresh at most every 500 ms however busy the stream is.
      pending ??= setTimeout(() => {
        pending = undefined;
        for (const key of ['sla-states', 'breaches', 'my-tickets'])
          void queryClient.invalidateQueries({ queryKey: [key] });
      }, 500);
    });
    return () => {
      abort.abort();
      clearTimeout(pending);
    };
  }, [enabled, queryClient]);
}

import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Registers a job scheduler now, and again after every Redis reconnect: a Redis restarted without
 * persistence comes back empty, and a worker that registered only at start-up would stay connected
 * and never run the job again. Upserts are idempotent, so re-registering is always safe.
 */
export async function keepScheduled(
  queue: Queue,
  register: () => Promise<unknown>,
  logger: Logger,
  what: string,
): Promise<void> {
  await register();
  const client = await queue.getBackend().client;
  let connected = true;
  client.on('close', () => (connected = false));
  client.on('ready', () => {
    if (connected) return;
    connected = true;
    register().then(
      () => logger.log(`Redis is back: ${what} scheduled again`),
      (err: unknown) => logger.warn(`Could not schedule ${what} again after a Redis reconnect: ${String(err)}`),
    );
  });
}

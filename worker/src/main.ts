import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@nixflow/db';
import { Logger } from 'nestjs-pino';
import { loadWorkerConfig } from './config.js';

async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  // Loaded after the configuration is valid: the processors' decorators read WORKER_CONCURRENCY on import.
  const { WorkerModule } = await import('./worker.module.js');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // On SIGTERM/SIGINT Nest runs the shutdown hooks (BullMQ waits for the running job), then exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.get(Logger).log(`nixflow worker started (queue prefix "${config.queuePrefix}")`);
}

bootstrap().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError ? `nixflow worker cannot start. ${err.message}` : 'nixflow worker failed to start',
    err instanceof ConfigError ? '' : err,
  );
  process.exit(1);
});

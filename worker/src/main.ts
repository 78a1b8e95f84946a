import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadWorkerConfig } from './config.js';
import { WorkerModule } from './worker.module.js';

async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // On SIGTERM/SIGINT Nest runs the shutdown hooks (BullMQ waits for the running job), then exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.get(Logger).log(`nixflow worker started (queue prefix "${config.queuePrefix}")`);
}

bootstrap().catch((err: unknown) => {
  console.error('nixflow worker failed to start', err);
  process.exit(1);
});

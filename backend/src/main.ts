import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { loadAppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  configureApp(app);
  const { port } = loadAppConfig();
  await app.listen(port, '0.0.0.0');
  app.get(Logger).log(`nixflow API listening on http://0.0.0.0:${port}/api (docs: /api/docs)`);
}

bootstrap().catch((err) => {
  console.error(err);
  process.exit(1);
});

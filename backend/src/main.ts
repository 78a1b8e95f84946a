import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { APP_CONFIG, ConfigError, loadAppConfig, type AppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  loadAppConfig(); // fails fast, before Nest starts, when the configuration is invalid
  const app = await NestFactory.create(AppModule, { bufferLogs: true, bodyParser: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  configureApp(app);
  const { port, apiDocs } = app.get<AppConfig>(APP_CONFIG);
  await app.listen(port, '0.0.0.0');
  app.get(Logger).log(`nixflow API listening on http://0.0.0.0:${port}/api${apiDocs ? ' (docs: /api/docs)' : ''}`);
}

bootstrap().catch((err) => {
  // A configuration problem is one clear message, not a stack trace.
  console.error(err instanceof ConfigError ? `nixflow API cannot start. ${err.message}` : err);
  process.exit(1);
});

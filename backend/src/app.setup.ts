import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { declareErrorResponses, ErrorBodyDto, FieldErrorDto, PageMetaDto } from './common/api-docs.js';
import { AllExceptionsFilter, expressErrorHandler } from './common/all-exceptions.filter.js';
import { rejectUnsafeBodies } from './common/body-guard.js';
import { createValidationPipe } from './common/validation.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { isInboundMailRequest } from './email/inbound-mail-types.js';
import { serveConsole } from './console/serve-console.js';

export const API_PREFIX = 'api';

export function buildOpenApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return (
    new DocumentBuilder()
      .setTitle('nixflow API')
      .setDescription('Helpdesk backend: tickets, workflows, SLA, users.')
      .setVersion('0.1.0')
      .addBearerAuth()
      // Paths carry the /api prefix: the server is the API's origin (a client sets its own base URL).
      .addServer('/', 'The server this document was fetched from')
      .build()
  );
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, buildOpenApiConfig(), {
    extraModels: [ErrorBodyDto, FieldErrorDto, PageMetaDto],
  });
  return declareErrorResponses(document);
}

/**
 * Everything main.ts and the tests share. Create the app with `{ bodyParser: false }`:
 * body parsing (1 MB limit) is registered here so that its errors use the common error shape.
 */
export function configureApp(app: INestApplication, options: { swagger?: boolean } = {}): INestApplication {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.setGlobalPrefix(API_PREFIX);
  // Client IP (rate limits, logs): X-Forwarded-For counts only from the proxies TRUST_PROXY names.
  (app.getHttpAdapter().getInstance() as express.Express).set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      // helmet's default CSP says upgrade-insecure-requests: over plain HTTP (a server's network
      // address) browsers then fetch the Swagger UI assets over https and /api/docs stays blank.
      contentSecurityPolicy: {
        directives: { upgradeInsecureRequests: config.upgradeInsecureRequests ? [] : null },
      },
      crossOriginResourcePolicy: { policy: config.crossOriginResourcePolicy },
    }),
  );
  // CORS is opt-in outside development (CORS_ORIGINS); `*` never goes with credentials.
  if (config.corsOrigins === '*') app.enableCors({ origin: '*', credentials: false, exposedHeaders: ['x-request-id'] });
  else if (config.corsOrigins)
    app.enableCors({ origin: config.corsOrigins, credentials: true, exposedHeaders: ['x-request-id'] });
  // The raw RFC 822 body of inbound mail, bounded by EMAIL_INBOUND_MAX_BYTES (413 above it, before any read
  // of the rest); other types fall through to the controller, which answers 415.
  app.use(
    `/${API_PREFIX}/email/inbound`,
    express.raw({ type: isInboundMailRequest, limit: config.email.maxInboundBytes }),
  );
  serveConsole(app, config.consoleDir);
  app.use(express.json({ limit: config.bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit }));
  app.use(rejectUnsafeBodies());
  app.use(expressErrorHandler());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  if (options.swagger ?? config.apiDocs) {
    const document = createOpenApiDocument(app);
    SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
  }
  app.enableShutdownHooks();
  return app;
}

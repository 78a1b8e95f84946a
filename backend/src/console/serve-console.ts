import fs from 'node:fs';
import path from 'node:path';
import { Logger, type INestApplication } from '@nestjs/common';
import express from 'express';

const API_PATH = /^\/api(\/|$)/;

/**
 * Serves the built operator console (web/dist) at `/`: hashed assets cached for a year, index.html
 * never cached (so a deploy is picked up at once), and every other non-/api GET answered with
 * index.html so the SPA's client-side routes survive a reload. `/api/*` never reaches these handlers.
 * Without a build the API starts anyway and says so.
 */
export function serveConsole(app: INestApplication, dir: string): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    new Logger('Console').log(`No operator console at ${dir} (npm run build builds it): serving the API only`);
    return;
  }
  const assets = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      const hashed = file.startsWith(path.join(dir, 'assets') + path.sep);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const spa: express.RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATH.test(req.path)) return next();
    // A missing asset is a 404, not the app shell (a stale tab asking for an old chunk must fail clearly).
    if (req.path.startsWith('/assets/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    API_PATH.test(req.path) ? next() : assets(req, res, next),
  );
  app.use(spa);
}

import type { Params } from 'nestjs-pino';

/** Nest's start-up chatter (one line per module): only shown with LOG_LEVEL=debug. */
const QUIET_CONTEXTS = new Set(['InstanceLoader']);

/**
 * Readable, coloured lines (pino-pretty) for a developer at a terminal: stdout is a TTY and NODE_ENV is
 * development (or unset, as with `npm start`). Anything else (production, tests, pipes) stays JSON.
 */
export function workerLoggerParams(
  config: { nodeEnv: string; logLevel: string },
  isTty = !!process.stdout.isTTY,
): Params {
  const pretty = isTty && config.nodeEnv === 'development';
  return {
    pinoHttp: {
      level: config.logLevel,
      ...(pretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: {
                translateTime: 'SYS:HH:MM:ss.l',
                ignore: 'pid,hostname,context',
                messageFormat: 'worker {if context}[{context}] {end}{msg}',
              },
            },
          }
        : {}),
      hooks: {
        logMethod(args, method, level) {
          const first = args[0] as { context?: unknown } | undefined;
          if (level === 30 && typeof first?.context === 'string' && QUIET_CONTEXTS.has(first.context)) {
            return this.isLevelEnabled('debug') ? method.apply(this, args) : undefined;
          }
          return method.apply(this, args);
        },
      },
    },
  };
}

import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

export const LOGIN_THROTTLER = 'login';
export const LOGIN_IP_THROTTLER = 'loginIp';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Req = Record<string, any>;

/** The client address as Express resolved it (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientIp(req: Req): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}

/** Named throttlers for ThrottlerModule: per IP + e-mail, and per IP across e-mails (against spraying). */
export function loginThrottlers(perEmail: { limit: number; ttl: number }, perIp: { limit: number; ttl: number }) {
  return [
    {
      name: LOGIN_THROTTLER,
      ...perEmail,
      getTracker: (req: Req) => {
        const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
        return `${clientIp(req)}|${email}`;
      },
    },
    { name: LOGIN_IP_THROTTLER, ...perIp, getTracker: (req: Req) => clientIp(req) },
  ];
}

/** Login attempts: only the two login throttlers run here. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((t) => t.name === LOGIN_THROTTLER || t.name === LOGIN_IP_THROTTLER);
  }

  protected override async getErrorMessage(): Promise<string> {
    return 'Too many login attempts, try again later';
  }

  /** The standard Retry-After too (the library only sets Retry-After-<throttler name>). */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail) {
    context
      .switchToHttp()
      .getResponse()
      .header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}

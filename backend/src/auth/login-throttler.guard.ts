import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/** Login attempts are limited per client IP and e-mail address. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  protected override async getTracker(req: Record<string, any> /* matches ThrottlerGuard */): Promise<string> {
    const ip = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
    return `${ip}|${email}`;
  }

  protected override async getErrorMessage(): Promise<string> {
    return 'Too many login attempts, try again later';
  }
}

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { bearerToken, JwtAuthGuard } from '../auth/jwt-auth.guard.js';

/**
 * For @Public routes that behave differently for signed-in users: when a bearer token is present it is
 * verified (401 if invalid) and `req.user` is set; without one the request stays anonymous.
 */
@Injectable()
export class OptionalAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtAuthGuard) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest();
    if (req.user) return true;
    const token = bearerToken(req.headers?.authorization);
    if (token) req.user = await this.jwt.verifyAccessToken(token);
    return true;
  }
}

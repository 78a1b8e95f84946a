import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AuthUser, JwtPayload } from './auth-user.js';
import { IS_PUBLIC_KEY } from './decorators.js';
import { UserAuthCache } from './user-auth-cache.js';

export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
    private readonly users: UserAuthCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest();
    const token = bearerToken(req.headers?.authorization);
    if (!token) throw new UnauthorizedException('Missing bearer token');
    req.user = await this.verifyAccessToken(token);
    return true;
  }

  /** Verifies an access token and checks that its user may still use it. */
  async verifyAccessToken(token: string): Promise<AuthUser> {
    let payload: JwtPayload;
    try {
      payload = await this.jwt.verifyAsync<JwtPayload>(token);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    if (payload.typ !== 'access' || typeof payload.sub !== 'string') throw new UnauthorizedException('Invalid token');
    const sub = payload.sub;
    const user = await this.users.get(sub, () =>
      this.prisma.user.findUnique({
        where: { id: sub },
        select: { id: true, email: true, name: true, role: true, isActive: true, deletedAt: true, tokenVersion: true },
      }),
    );
    if (!user || user.deletedAt || !user.isActive || user.tokenVersion !== payload.ver) {
      throw new UnauthorizedException('Token is no longer valid');
    }
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }
}

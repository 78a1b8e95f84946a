import { randomUUID } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AuthUser, JwtPayload } from './auth-user.js';
import { ConcurrencyLimiter, PASSWORD_HASHING_LIMITER } from './concurrency-limiter.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.js';
import { UserAuthCache } from './user-auth-cache.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: string;
  user: AuthUser;
}

const INVALID_CREDENTIALS = 'Invalid email or password';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AuthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PASSWORD_HASHING_LIMITER) private readonly hashing: ConcurrencyLimiter,
    private readonly authCache: UserAuthCache,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
    // Unknown e-mail (or no password): the same argon2id verify, with the same parameters, on a dummy hash.
    const stored = user?.passwordHash ?? (await dummyPasswordHash());
    const ok = await this.hashing.run(() => verifyPassword(password, stored));
    if (!user || !ok || !user.passwordHash || user.deletedAt || !user.isActive) {
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    const data: { lastLoginAt: Date; passwordHash?: string } = { lastLoginAt: new Date() };
    // bcrypt (or older argon2 parameters) → argon2id now that we hold the plain password.
    if (needsRehash(user.passwordHash)) data.passwordHash = await this.hashing.run(() => hashPassword(password));
    await this.prisma.user.update({ where: { id: user.id }, data });
    return this.issue(user, user.tokenVersion);
  }

  /**
   * Rotation: each refresh token works once. Its row is marked used and a new token of the same family
   * is issued; a token that comes back after use (stolen and replayed, or the victim's copy after the
   * thief's) revokes the whole family, so both parties must log in again.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    let payload: JwtPayload;
    try {
      payload = await this.jwt.verifyAsync<JwtPayload>(refreshToken);
    } catch {
      throw new UnauthorizedException('Invalid or expired refresh token');
    }
    if (payload.typ !== 'refresh') throw new UnauthorizedException('Not a refresh token');
    if (typeof payload.jti !== 'string' || !UUID.test(payload.jti)) {
      throw new UnauthorizedException('Refresh token is no longer valid');
    }
    const now = new Date();
    const claimed = await this.prisma.refreshToken.updateMany({
      where: { id: payload.jti, userId: payload.sub, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) {
      const row = await this.prisma.refreshToken.findUnique({ where: { id: payload.jti } });
      if (row) {
        await this.prisma.refreshToken.updateMany({
          where: { familyId: row.familyId, revokedAt: null },
          data: { revokedAt: now },
        });
      }
      throw new UnauthorizedException('Refresh token is no longer valid');
    }
    const family = await this.prisma.refreshToken.findUniqueOrThrow({ where: { id: payload.jti } });
    const user = await this.prisma.user.findUnique({ where: { id: payload.sub } });
    if (!user || user.deletedAt || !user.isActive || user.tokenVersion !== payload.ver) {
      throw new UnauthorizedException('Refresh token is no longer valid');
    }
    return this.issue(user, user.tokenVersion, family.familyId);
  }

  /** Invalidates every token issued to the user so far. */
  async logout(userId: string): Promise<void> {
    await this.prisma.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } } });
    this.authCache.forget(userId);
  }

  private async issue(user: AuthUser, version: number, familyId: string = randomUUID()): Promise<TokenPair> {
    const authUser: AuthUser = { id: user.id, email: user.email, name: user.name, role: user.role };
    const base = { sub: user.id, email: user.email, role: user.role, ver: version };
    const accessToken = await this.jwt.signAsync(
      { ...base, typ: 'access' },
      { expiresIn: this.config.jwtTtl as never },
    );
    const jti = randomUUID();
    const refreshToken = await this.jwt.signAsync(
      { ...base, typ: 'refresh', jti },
      { expiresIn: this.config.jwtRefreshTtl as never },
    );
    const { exp } = this.jwt.decode<{ exp: number }>(refreshToken);
    await this.prisma.refreshToken.create({
      data: { id: jti, familyId, userId: user.id, expiresAt: new Date(exp * 1000) },
    });
    // Rows of expired tokens are useless for reuse detection (the JWT itself is refused): drop the user's.
    await this.prisma.refreshToken.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
    return { accessToken, refreshToken, expiresIn: this.config.jwtTtl, user: authUser };
  }
}

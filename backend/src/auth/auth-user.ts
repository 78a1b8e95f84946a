import type { UserRole } from '@nixflow/db/client';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export interface JwtPayload {
  sub: string;
  email?: string;
  role?: UserRole;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
  typ: 'access' | 'refresh';
  /** Refresh tokens: the RefreshToken row (rotation, reuse detection). */
  jti?: string;
  iat?: number;
  exp?: number;
}

import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from '@nixflow/db/client';
import type { AuthUser } from './auth-user.js';

export const IS_PUBLIC_KEY = 'nixflow:isPublic';
export const ROLES_KEY = 'nixflow:roles';

/** Route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** Route (or controller) is limited to these roles. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated user (undefined on public routes). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest().user,
);

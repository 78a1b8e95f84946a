import { Injectable, NotFoundException } from '@nestjs/common';
import { Prisma } from '@nixflow/db/client';
import { hashPassword } from '../auth/password.js';
import { UserAuthCache } from '../auth/user-auth-cache.js';
import { pageArgs, paginated, type Paginated } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { TicketAccessRevocationService } from '@nixflow/domain';
import { TICKET_TX_OPTIONS, type Actor } from '@nixflow/domain';
import type { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/users.dto.js';

/** Public columns: passwordHash and tokenVersion never leave the service. */
export const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  isActive: true,
  lastLoginAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.UserSelect;

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly revocation: TicketAccessRevocationService,
    private readonly authCache: UserAuthCache,
  ) {}

  async list(q: ListUsersQueryDto): Promise<Paginated<UserDto>> {
    const where: Prisma.UserWhereInput = { deletedAt: null };
    if (q.role) where.role = q.role;
    if (q.q) {
      where.OR = [{ email: { contains: q.q, mode: 'insensitive' } }, { name: { contains: q.q, mode: 'insensitive' } }];
    }
    const [items, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({
        where,
        select: USER_SELECT,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...pageArgs(q),
      }),
      this.prisma.user.count({ where }),
    ]);
    return paginated(items, total, q.page, q.pageSize);
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.prisma.user.findFirst({ where: { id, deletedAt: null }, select: USER_SELECT });
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  async create(dto: CreateUserDto): Promise<UserDto> {
    return this.prisma.user.create({
      data: {
        email: dto.email,
        name: dto.name,
        role: dto.role,
        isActive: dto.isActive ?? true,
        passwordHash: await hashPassword(dto.password),
      },
      select: USER_SELECT,
    });
  }

  async update(id: string, dto: UpdateUserDto, actor: Actor | null = null): Promise<UserDto> {
    await this.get(id);
    const data: Prisma.UserUpdateInput = {};
    if (dto.email !== undefined) data.email = dto.email;
    if (dto.name !== undefined) data.name = dto.name;
    if (dto.role !== undefined) data.role = dto.role;
    if (dto.isActive !== undefined) data.isActive = dto.isActive;
    let revoke = dto.isActive === false || dto.role !== undefined;
    if (dto.password !== undefined) {
      data.passwordHash = await hashPassword(dto.password);
      revoke = true;
    }
    if (revoke) data.tokenVersion = { increment: 1 };
    const updated = await this.prisma.$transaction(async (tx) => {
      const user = await tx.user.update({ where: { id }, data, select: { ...USER_SELECT, deletedAt: true } });
      // Demoted or deactivated: unwatch and unassign what they may no longer see, in the same transaction.
      await this.revocation.revokeForUser(tx, user, actor);
      const { deletedAt: _deletedAt, ...view } = user;
      return view;
    }, TICKET_TX_OPTIONS);
    this.authCache.forget(id);
    return updated;
  }

  /** Soft delete: the row stays (tickets reference it); every token stops working. */
  async remove(id: string, actor: Actor | null = null): Promise<void> {
    await this.get(id);
    await this.prisma.$transaction(async (tx) => {
      const user = await tx.user.update({
        where: { id },
        data: { deletedAt: new Date(), isActive: false, tokenVersion: { increment: 1 } },
        select: { id: true, role: true, isActive: true, deletedAt: true },
      });
      await this.revocation.revokeForUser(tx, user, actor);
    }, TICKET_TX_OPTIONS);
    this.authCache.forget(id);
  }
}

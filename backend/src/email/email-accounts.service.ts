import { createHash, randomBytes } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { EmailAccount, Prisma } from '@nixflow/db/client';
import { PrismaService } from '../prisma/prisma.service.js';
import type {
  ConnectionTestDto,
  CreateEmailAccountDto,
  EmailAccountDto,
  UpdateEmailAccountDto,
} from './dto/email-account.dto.js';
import { EmailConnectionTester } from './email-connection-tester.js';
import { EmailSecretsService } from './email-secrets.service.js';

export const hashInboundToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The API view of an account: secrets reduced to "is one set". */
export function toAccountDto(a: EmailAccount, clearedPasswords: ('imap' | 'smtp')[] = []): EmailAccountDto {
  const { imapPasswordEnc, smtpPasswordEnc, inboundTokenHash, imapUidValidity, imapLastUid, ...rest } = a;
  return {
    ...rest,
    clearedPasswords,
    hasImapPassword: Boolean(imapPasswordEnc),
    hasSmtpPassword: Boolean(smtpPasswordEnc),
    hasInboundToken: Boolean(inboundTokenHash),
    imapUidValidity: imapUidValidity === null ? null : imapUidValidity.toString(),
    imapLastUid: imapLastUid === null ? null : imapLastUid.toString(),
  };
}

@Injectable()
export class EmailAccountsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: EmailSecretsService,
    private readonly tester: EmailConnectionTester,
  ) {}

  async list(): Promise<EmailAccountDto[]> {
    const rows = await this.prisma.emailAccount.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map((r) => toAccountDto(r));
  }

  async get(id: string): Promise<EmailAccountDto> {
    return toAccountDto(await this.find(id));
  }

  async create(dto: CreateEmailAccountDto): Promise<EmailAccountDto> {
    const row = await this.prisma.emailAccount.create({
      data: this.data(dto) as Prisma.EmailAccountUncheckedCreateInput,
    });
    return toAccountDto(row);
  }

  async update(id: string, dto: UpdateEmailAccountDto): Promise<EmailAccountDto> {
    const before = await this.find(id);
    const data = this.data(dto);
    // Another server or folder: the stored UIDs mean nothing there, start over (Message-ID dedupe protects).
    const imapMoved =
      (dto.imapHost !== undefined && dto.imapHost !== before.imapHost) ||
      (dto.imapFolder !== undefined && dto.imapFolder !== before.imapFolder) ||
      (dto.imapUser !== undefined && dto.imapUser !== before.imapUser);
    if (imapMoved) Object.assign(data, { imapUidValidity: null, imapLastUid: null });
    // A stored password only ever goes to the server it was given for: another host, port, user or TLS
    // setting without a new password in the same request clears it (else PATCH host + test leaks it).
    const changed = <K extends keyof UpdateEmailAccountDto & keyof EmailAccount>(keys: K[]) =>
      keys.some((k) => dto[k] !== undefined && dto[k] !== before[k]);
    const cleared: ('imap' | 'smtp')[] = [];
    if (
      dto.imapPassword === undefined &&
      before.imapPasswordEnc &&
      changed(['imapHost', 'imapPort', 'imapUser', 'imapTls'])
    ) {
      data.imapPasswordEnc = null;
      cleared.push('imap');
    }
    if (
      dto.smtpPassword === undefined &&
      before.smtpPasswordEnc &&
      changed(['smtpHost', 'smtpPort', 'smtpUser', 'smtpTls'])
    ) {
      data.smtpPasswordEnc = null;
      cleared.push('smtp');
    }
    return toAccountDto(await this.prisma.emailAccount.update({ where: { id }, data }), cleared);
  }

  /** 409 (central FK mapping) while messages reference the account: deactivate it instead. */
  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.prisma.emailAccount.delete({ where: { id } });
  }

  /** A new random token; only its SHA-256 is stored, so it is shown once. */
  async rotateInboundToken(id: string): Promise<{ token: string }> {
    await this.find(id);
    const token = `nfin_${randomBytes(32).toString('base64url')}`;
    await this.prisma.emailAccount.update({ where: { id }, data: { inboundTokenHash: hashInboundToken(token) } });
    return { token };
  }

  async test(id: string): Promise<ConnectionTestDto> {
    const account = await this.find(id);
    const result = await this.tester.test(account);
    const failure = [
      result.imap.configured && !result.imap.ok ? `IMAP: ${result.imap.error}` : null,
      result.smtp.configured && !result.smtp.ok ? `SMTP: ${result.smtp.error}` : null,
    ]
      .filter(Boolean)
      .join('; ');
    await this.prisma.emailAccount.update({ where: { id }, data: { lastError: failure || null } });
    return result;
  }

  private async find(id: string): Promise<EmailAccount> {
    const row = await this.prisma.emailAccount.findUnique({ where: { id } });
    if (!row) throw new NotFoundException('Email account not found');
    return row;
  }

  /** DTO → columns; passwords encrypted (undefined: unchanged, null: cleared). */
  private data(dto: UpdateEmailAccountDto): Prisma.EmailAccountUncheckedUpdateInput {
    const { imapPassword, smtpPassword, ...plain } = dto;
    const data: Prisma.EmailAccountUncheckedUpdateInput = { ...plain };
    if (imapPassword !== undefined)
      data.imapPasswordEnc = imapPassword === null ? null : this.secrets.encrypt(imapPassword);
    if (smtpPassword !== undefined)
      data.smtpPasswordEnc = smtpPassword === null ? null : this.secrets.encrypt(smtpPassword);
    return data;
  }
}

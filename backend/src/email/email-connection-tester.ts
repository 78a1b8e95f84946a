import { Inject, Injectable } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { EmailAccount } from '@nixflow/db/client';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { EmailSecretsService } from './email-secrets.service.js';
import type { ConnectionCheckDto, ConnectionTestDto } from './dto/email-account.dto.js';

function message(err: unknown): string {
  const e = err as { message?: string; responseText?: string; response?: string; code?: string };
  const text = e?.responseText || e?.response || e?.message || String(err);
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

/** Bounds a promise: the check reports "timed out" rather than hanging the request. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks an account's IMAP (connect, log in, open the folder) and SMTP (connect, log in) settings. */
@Injectable()
export class EmailConnectionTester {
  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly secrets: EmailSecretsService,
  ) {}

  async test(account: EmailAccount): Promise<ConnectionTestDto> {
    const [imap, smtp] = await Promise.all([this.checkImap(account), this.checkSmtp(account)]);
    return {
      ok: (imap.ok || !imap.configured) && (smtp.ok || !smtp.configured) && (imap.configured || smtp.configured),
      imap,
      smtp,
    };
  }

  private async timed(configured: boolean, run: () => Promise<void>): Promise<ConnectionCheckDto> {
    const started = Date.now();
    if (!configured) return { configured: false, ok: false, error: 'not configured', durationMs: 0 };
    try {
      await run();
      return { configured: true, ok: true, durationMs: Date.now() - started };
    } catch (err) {
      return { configured: true, ok: false, error: message(err), durationMs: Date.now() - started };
    }
  }

  private checkImap(a: EmailAccount): Promise<ConnectionCheckDto> {
    const ms = this.config.connectTimeoutMs;
    return this.timed(Boolean(a.imapHost), async () => {
      const client = new ImapFlow({
        host: a.imapHost!,
        port: a.imapPort ?? (a.imapTls ? 993 : 143),
        secure: a.imapTls,
        auth: { user: a.imapUser ?? a.address, pass: this.secrets.decrypt(a.imapPasswordEnc) ?? '' },
        logger: false,
        connectionTimeout: ms,
        greetingTimeout: ms,
        socketTimeout: ms,
      });
      client.on('error', () => undefined); // reported through the rejected promise below
      try {
        await within(
          ms,
          'IMAP',
          (async () => {
            await client.connect();
            const box = await client.mailboxOpen(a.imapFolder, { readOnly: true });
            if (!box) throw new Error(`folder ${a.imapFolder} cannot be opened`);
          })(),
        );
      } finally {
        await client.logout().catch(() => client.close());
      }
    });
  }

  private checkSmtp(a: EmailAccount): Promise<ConnectionCheckDto> {
    const ms = this.config.connectTimeoutMs;
    return this.timed(Boolean(a.smtpHost), async () => {
      const pass = this.secrets.decrypt(a.smtpPasswordEnc);
      const transport = nodemailer.createTransport({
        host: a.smtpHost!,
        port: a.smtpPort ?? (a.smtpTls ? 465 : 587),
        secure: a.smtpTls,
        auth: a.smtpUser || pass ? { user: a.smtpUser ?? a.address, pass: pass ?? '' } : undefined,
        connectionTimeout: ms,
        greetingTimeout: ms,
        socketTimeout: ms,
      });
      try {
        await within(ms, 'SMTP', transport.verify());
      } finally {
        transport.close();
      }
    });
  }
}

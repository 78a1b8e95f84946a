import { Inject, Injectable } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { EmailAccount } from '@nixflow/db/client';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { EmailSecretsService } from './email-secrets.service.js';
import type { ConnectionCheckDto, ConnectionTestDto } from './dto/email-account.dto.js';

/** The one answer for every failure before a server spoke: refused, unreachable, unknown host, timeout, TLS. */
export const COULD_NOT_CONNECT = 'could not connect';

/**
 * What the admin is told. Only an answer the mail server itself gave (e.g. authentication failed) is
 * passed on; anything before that is COULD_NOT_CONNECT, so the test cannot tell a closed port from a
 * filtered one (it is not a port scanner).
 */
function message(err: unknown): string {
  const e = err as {
    responseText?: string;
    response?: string;
    responseCode?: number;
    serverResponseCode?: string;
    authenticationFailed?: boolean;
    code?: string;
  };
  if (e?.authenticationFailed)
    return `authentication failed${e.serverResponseCode ? ` (${e.serverResponseCode})` : ''}`;
  if (typeof e?.responseCode === 'number' && e.responseCode >= 400) {
    const text = (e.response || e.responseText || '').slice(0, 300);
    return e.code === 'EAUTH' ? `authentication failed: ${text}` : text || `server answered ${e.responseCode}`;
  }
  if (e?.code === 'NoConnection' || !e) return COULD_NOT_CONNECT;
  return (e as { mailboxMissing?: boolean }).mailboxMissing ? 'folder cannot be opened' : COULD_NOT_CONNECT;
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

  /**
   * Answers after at least the connect timeout (EMAIL_CONNECT_TIMEOUT_MS), whatever happened, and reports
   * that same duration: how long a failure took says nothing about the target.
   */
  async test(account: EmailAccount): Promise<ConnectionTestDto> {
    const minimum = new Promise((resolve) => setTimeout(resolve, this.config.connectTimeoutMs));
    const [imap, smtp] = await Promise.all([this.checkImap(account), this.checkSmtp(account), minimum]);
    for (const side of [imap, smtp]) if (side.configured) side.durationMs = this.config.connectTimeoutMs;
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
            const box = await client.mailboxOpen(a.imapFolder, { readOnly: true }).catch(() => null);
            if (!box) throw Object.assign(new Error('folder cannot be opened'), { mailboxMissing: true });
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

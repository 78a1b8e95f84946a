import { Inject, Injectable } from '@nestjs/common';
import { decryptSecret, encryptSecret } from '@nixflow/core';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';

/** Encrypts the mail passwords at rest (AES-256-GCM, key EMAIL_SECRET_KEY). */
@Injectable()
export class EmailSecretsService {
  constructor(@Inject(EMAIL_CONFIG) private readonly config: EmailConfig) {}

  encrypt(plain: string): string {
    return encryptSecret(plain, this.config.secretKey);
  }

  /** null when nothing is stored. Throws if the stored value was written with another key. */
  decrypt(stored: string | null | undefined): string | null {
    return stored ? decryptSecret(stored, this.config.secretKey) : null;
  }
}

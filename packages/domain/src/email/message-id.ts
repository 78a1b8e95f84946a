import { randomUUID } from 'node:crypto';

/** `<uuid@domain-of-the-account>`: unique, and recognisable as ours when the customer replies. */
export function newMessageId(accountAddress: string): string {
  const domain = accountAddress.split('@')[1] || 'nixflow.local';
  return `<${randomUUID()}@${domain}>`;
}

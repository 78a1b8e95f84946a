import { maxBytesFromEnv } from '../common/attachment-storage.js';

export const FORM_MAX_FILES = 20;
/** Room for the text parts (answers JSON, email) and multipart framing on top of the files. */
const FIELDS_ALLOWANCE_BYTES = 2 * 1024 * 1024;
export const RETRY_AFTER_SECONDS = 5;

/** Largest single upload a form accepts (a field may set a lower limit): FORM_MAX_ATTACHMENT_BYTES. */
export function formMaxAttachmentBytes(env: NodeJS.ProcessEnv = process.env): number {
  return maxBytesFromEnv('FORM_MAX_ATTACHMENT_BYTES', env);
}

/** Largest multipart body one submission may send: every file at its limit plus the text parts. */
export function formMaxRequestBytes(maxAttachmentBytes: number): number {
  return FORM_MAX_FILES * maxAttachmentBytes + FIELDS_ALLOWANCE_BYTES;
}

import { parseEnv } from '@nixflow/db';
import { maxBytesFromEnv } from '../common/attachment-storage.js';
import { apiEnvSchema } from '../config/app-config.js';

export const FORM_MAX_FILES = 20;
/** Room for the text parts (answers JSON, email) and multipart framing on top of the files. */
const FIELDS_ALLOWANCE_BYTES = 2 * 1024 * 1024;
export const RETRY_AFTER_SECONDS = 5;

/** Largest single upload a form accepts (a field may set a lower limit): FORM_MAX_ATTACHMENT_BYTES. */
export function formMaxAttachmentBytes(env: NodeJS.ProcessEnv = process.env): number {
  return maxBytesFromEnv('FORM_MAX_ATTACHMENT_BYTES', env);
}

/** Largest multipart body one submission may send: every file at its limit plus the text parts. */
export function formMaxRequestBytes(env: NodeJS.ProcessEnv = process.env): number {
  return FORM_MAX_FILES * formMaxAttachmentBytes(env) + FIELDS_ALLOWANCE_BYTES;
}

/** FORM_UPLOAD_MAX_INFLIGHT_BYTES: upload bytes all submissions in this process may have in flight at once. */
export function formMaxInflightBytes(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnv(apiEnvSchema.pick({ FORM_UPLOAD_MAX_INFLIGHT_BYTES: true }), env).FORM_UPLOAD_MAX_INFLIGHT_BYTES;
}

import { ValidationFailedException } from './validation.js';

/** 400 with one field-level message, the same shape as the ValidationPipe's errors. */
export function fieldError(field: string, message: string): ValidationFailedException {
  return new ValidationFailedException([{ field, messages: [message] }]);
}

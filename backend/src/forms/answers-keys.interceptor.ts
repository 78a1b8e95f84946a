import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { rejectPrototypeKeys } from './dto/submission.dto.js';

/**
 * The global ValidationPipe silently deletes __proto__ / constructor / prototype keys from JSON bodies.
 * In `answers` such a key is not a field of the form, which the published schema refuses: so the route
 * refuses it too (400 naming the key), before the pipe can drop it. Multipart `answers` is a JSON string,
 * which the DTO checks when it parses it.
 */
@Injectable()
export class AnswersKeysInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<Request>().body as { answers?: unknown } | undefined;
    if (body && typeof body === 'object' && typeof body.answers === 'object') rejectPrototypeKeys(body.answers);
    return next.handle();
  }
}

import { Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

export const FORM_SUBMIT_THROTTLER = 'formSubmit';
const THROTTLED_KEY = 'nixflow:formSubmitThrottled';

/** Marks the route the `formSubmit` throttler applies to. */
export const FormSubmitThrottled = () => SetMetadata(THROTTLED_KEY, true);

/** The named throttler entry for ThrottlerModule: skipped everywhere but on @FormSubmitThrottled routes. */
export function formSubmitThrottler(limit: number, ttl: number) {
  return {
    name: FORM_SUBMIT_THROTTLER,
    limit,
    ttl,
    skipIf: (ctx: ExecutionContext) => Reflect.getMetadata(THROTTLED_KEY, ctx.getHandler()) !== true,
  };
}

/** Form submissions are limited per client IP (only the `formSubmit` throttler runs here). */
@Injectable()
export class FormSubmitThrottlerGuard extends ThrottlerGuard {
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((t) => t.name === FORM_SUBMIT_THROTTLER);
  }

  protected override async getErrorMessage(): Promise<string> {
    return 'Too many form submissions, try again later';
  }

  /** The standard Retry-After too (the library only sets Retry-After-<throttler name>). */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail) {
    context
      .switchToHttp()
      .getResponse()
      .header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}

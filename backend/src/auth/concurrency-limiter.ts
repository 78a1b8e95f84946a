import { HttpException, HttpStatus } from '@nestjs/common';

/** Thrown when no slot freed up in time: 503 with Retry-After, for this request only. */
export class BusyException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many logins in progress, try again shortly', HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/**
 * A counting semaphore: at most `max` tasks run at once; others wait up to `maxWaitMs` (and at most
 * `maxQueue` of them), then get BusyException. Bounds the CPU and memory password hashing may take,
 * so that a burst of logins slows down logins only.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly max: number,
    private readonly maxWaitMs = 2_000,
    private readonly maxQueue = max * 8,
  ) {}

  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve();
    }
    const retryAfter = Math.max(1, Math.ceil(this.maxWaitMs / 1000));
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new BusyException(retryAfter));
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new BusyException(retryAfter));
      }, this.maxWaitMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.running--;
  }
}

export const PASSWORD_HASHING_LIMITER = Symbol('PASSWORD_HASHING_LIMITER');

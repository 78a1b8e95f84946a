/** The current time, injected so that tests can move it without patching globals. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand: the system time until `set`, then that instant until `reset`. */
export class ManualClock implements Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  set(at: Date | string): Date {
    this.fixed = new Date(at);
    return new Date(this.fixed);
  }

  reset(): void {
    this.fixed = null;
  }
}

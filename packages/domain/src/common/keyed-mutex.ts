/**
 * Runs async tasks one at a time per key, in arrival order, within this process. Tasks never wait on
 * each other across keys. Not a lock for correctness (that is the database's job); it keeps a burst of
 * writes to one key from each holding a pooled connection while queueing on the same row lock.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.tails.set(key, tail);
    await previous; // the chain only holds release promises: it never rejects
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with queued or running tasks (tests, diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}

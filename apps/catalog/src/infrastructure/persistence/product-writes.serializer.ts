/**
 * Runs the writes to one product one at a time, in this process, when the
 * server cannot be trusted with concurrent conditional updates (FerretDB v1
 * evaluates an update outside the database: two concurrent `$inc`s, or a
 * `$set` racing a `$inc`, can lose one). On real MongoDB it runs writes
 * straight away: each is a single-document atomic update. Serializing in
 * process is only sound with one catalog replica on FerretDB (see README).
 *
 * Never nest `run` for the same product: the inner write would wait for the outer.
 */
export class ProductWritesSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(readonly serialized: boolean) {}

  run<T>(productId: string, write: () => Promise<T>): Promise<T> {
    if (!this.serialized) return write();
    const previous = this.tails.get(productId) ?? Promise.resolve();
    const current = previous.then(write);
    // The queue only orders writes: a failure belongs to its own caller, who awaits `current`.
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(productId, tail);
    void tail.then(() => {
      if (this.tails.get(productId) === tail) this.tails.delete(productId);
    });
    return current;
  }
}

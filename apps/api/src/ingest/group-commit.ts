interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a commit runs (or within one turn of the event loop) are
 * written together by the next commit. Each submitter is answered only after the commit that
 * holds its item; when a group fails, its items are retried one by one so one bad item fails alone
 * — unless `failsEveryItem` says the error is not about the items (the database is down), which
 * fails the whole group at once rather than making each item wait out the same failure again.
 */
export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private running = false;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly weightOf: (item: T) => number,
    private readonly maxWeight: number,
    private readonly failsEveryItem: (error: unknown) => boolean = () => false,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once everything submitted so far is committed or failed. */
  async idle(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private takeGroup(): Pending<T>[] {
    let weight = 0;
    let count = 0;
    for (const pending of this.queue) {
      weight += this.weightOf(pending.item);
      if (count > 0 && weight > this.maxWeight) break;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          await this.commit(group.map((pending) => pending.item));
          for (const pending of group) pending.resolve();
        } catch (error) {
          if (group.length === 1 || this.failsEveryItem(error)) {
            for (const pending of group) pending.reject(error);
            continue;
          }
          for (const pending of group) {
            try {
              await this.commit([pending.item]);
              pending.resolve();
            } catch (itemError) {
              pending.reject(itemError);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}

import type pg from "pg";
import { reserveTicketBlock } from "../store/reports.store.ts";

/**
 * Hands out ticket sequence numbers from blocks reserved in the database, so the day's counter
 * row is touched once per block instead of once per report. Several processes each hold their
 * own block: tickets stay unique and are never reused; a restart leaves a small gap.
 */
export class TicketAllocator {
  private readonly blocks = new Map<string, { next: number; end: number }>();
  private readonly reserving = new Map<string, Promise<void>>();

  constructor(private readonly pool: pg.Pool, private readonly blockSize = 10) {}

  async next(day: string): Promise<number> {
    for (;;) {
      const block = this.blocks.get(day);
      if (block && block.next <= block.end) return block.next++;
      let pending = this.reserving.get(day);
      if (!pending) {
        pending = reserveTicketBlock(this.pool, day, this.blockSize)
          .then((first) => {
            this.blocks.clear(); // older days are done
            this.blocks.set(day, { next: first, end: first + this.blockSize - 1 });
          })
          .finally(() => this.reserving.delete(day));
        this.reserving.set(day, pending);
      }
      await pending;
    }
  }
}

/**
 * Group commit for the rollup documents where a lead write cannot take its rollup along in one transaction (Cosmos DB:
 * the lead and the day are in different containers). The changes of one document that arrive while its previous
 * write is in flight are applied together in its next write, one etag compare-and-set for all of them; each caller is
 * answered when the write holding its change is stored. The version this process wrote last is kept, so the next
 * write needs no read: with one writer that is one round trip per batch; when another instance wrote meanwhile, the
 * write conflicts and the document is read again.
 */
import { LeadDeskError } from '../leads/errors';
import type { StatsChange, StatsDoc, StatsDocuments } from './backend';

interface Waiting {
  apply: StatsChange['apply'];
  resolve(wrote: boolean): void;
  reject(err: unknown): void;
}

const MAX_CONFLICT_RETRIES = 100;
/** Documents remembered (one per hour of arrivals): the busy ones of the last two days. */
const KEEP = 48;

export class StatsWriter {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly last = new Map<string, StatsDoc>();

  constructor(private readonly docs: StatsDocuments) {}

  /** True when the change was written (false: the document already held it). */
  apply(change: StatsChange): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(change.id);
      if (queue) {
        queue.push({ apply: change.apply, resolve, reject });
        return;
      }
      this.waiting.set(change.id, [{ apply: change.apply, resolve, reject }]);
      void this.drain(change.id);
    });
  }

  /** Writes the waiting changes of one document, batch after batch, until none wait. */
  private async drain(id: string): Promise<void> {
    for (;;) {
      const batch = this.waiting.get(id) ?? [];
      if (!batch.length) {
        this.waiting.delete(id);
        return;
      }
      this.waiting.set(id, []);
      try {
        const wrote = await this.write(
          id,
          batch.map((w) => w.apply),
        );
        for (const [i, w] of batch.entries()) w.resolve(wrote[i]);
      } catch (err) {
        this.last.delete(id);
        for (const w of batch) w.reject(err);
      }
    }
  }

  private async write(id: string, applies: StatsChange['apply'][]): Promise<boolean[]> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const remembered = attempt === 0 ? this.last.get(id) : undefined;
      const stored = remembered ?? (await this.docs.get(id));
      let doc = stored;
      const wrote = applies.map((apply) => {
        const next = apply(doc);
        if (next) doc = next;
        return Boolean(next);
      });
      if (!wrote.some(Boolean)) {
        if (remembered) continue; // what this process wrote last says "nothing to do": make sure with a read
        return wrote;
      }
      const written = stored ? await this.docs.replace(doc!, stored._etag!) : await this.docs.create(doc!);
      if (written) {
        this.remember(id, written);
        return wrote;
      }
      this.last.delete(id); // another writer came first: read it
    }
    throw new LeadDeskError('store.conflict');
  }

  private remember(id: string, doc: StatsDoc): void {
    this.last.delete(id);
    this.last.set(id, doc);
    if (this.last.size > KEEP) this.last.delete(this.last.keys().next().value!);
  }
}

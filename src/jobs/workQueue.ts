/**
 * A queue of ids worked on by at most `concurrency` workers at once, each id at most once at a time (queued or
 * running), with a promise for "nothing queued or running". The outbox and the CRM handoff run on it. A worker that
 * fails is the worker's business (each job logs it); the queue carries on. Each piece of work runs in a log
 * context of its own: a fresh request id and the id as `leadId` (the jobs' ids are lead ids).
 */
import { withLogContext } from '../log';

export class WorkQueue {
  private readonly inFlight = new Set<string>();
  private readonly queue: string[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly work: (id: string) => Promise<void>,
  ) {}

  /** Queued or running. */
  has(id: string): boolean {
    return this.inFlight.has(id) || this.queue.includes(id);
  }

  /**
   * Queues `id` unless it is queued or running already. `urgent` work (a person is waiting for it) goes to the front
   * and takes the next free worker, ahead of a backlog.
   */
  push(id: string, urgent = false): void {
    if (this.inFlight.has(id)) return;
    const at = this.queue.indexOf(id);
    if (at >= 0 && !urgent) return;
    if (at >= 0) this.queue.splice(at, 1);
    if (urgent) this.queue.unshift(id);
    else this.queue.push(id);
    this.pump();
  }

  /** Drops what is queued (what runs finishes). */
  clear(): void {
    this.queue.length = 0;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length) {
      const id = this.queue.shift() as string;
      this.inFlight.add(id);
      this.running++;
      void withLogContext({ leadId: id }, () => this.work(id))
        .catch(() => undefined)
        .finally(() => {
          this.inFlight.delete(id);
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) for (const r of this.idleWaiters.splice(0)) r();
        });
    }
  }
}

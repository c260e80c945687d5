/**
 * Which bot instances are alive (issue 13). Every instance writes its heartbeat document every `beatMs`; one that
 * stopped beating for `deadAfterMs`, stopped on purpose (SIGTERM writes `stoppedAt`) or, on this machine, whose
 * process is gone, is dead: its delivery and reminder leases end at once (src/leads/delivery.ts `mayDeliver`), so a
 * crashed instance's waiting cards are sent by another, or by the restarted process, within seconds.
 *
 * Staleness is judged by this process's own clock (a heartbeat that has not changed for `deadAfterMs` here), never
 * by comparing another machine's clock with ours. The number of live instances also splits Teams' per-app budget
 * (src/teams/sending/sendBudget.ts).
 *
 * Self-fencing: an instance whose own heartbeat has not reached the store lately (`fresh()` false) may already look
 * dead to the others, so it posts nothing until it beats again.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CoordinationDoc, CoordinationDocuments } from '../store/backend';
import { logger } from '../log';

const log = logger('jobs:instances');

export interface InstanceDoc extends CoordinationDoc {
  kind: 'instance';
  instanceId: string;
  host: string;
  pid: number;
  startedAt: string;
  beatAt: string;
  /** Set by a graceful stop: the instance holds nothing any more. */
  stoppedAt?: string;
}

export interface InstanceRegistryOptions {
  coordination: CoordinationDocuments;
  instanceId: string;
  /** The machine this process runs on: a heartbeat of this machine whose process is gone is dead at once. */
  machine?: string;
  /** @default 1000 */
  beatMs?: number;
  /** @default 5000 */
  deadAfterMs?: number;
  /** Heartbeats of instances dead this long are deleted. @default 1 h */
  forgetAfterMs?: number;
  /** Called when instances are newly seen dead (their work is free to take now). */
  onDeparted?: (ids: string[]) => void;
  /** Local clock, for tests. */
  clock?: () => number;
}

interface Seen {
  etag: string;
  /** Our clock when its document last changed. */
  changedAt: number;
  dead: boolean;
}

/** What the jobs ask of the registry. */
export interface Liveness {
  dead(): ReadonlySet<string>;
  fresh(): boolean;
}

const instanceDocId = (instanceId: string) => `instance:${instanceId}`;

export class InstanceRegistry implements Liveness {
  private readonly seen = new Map<string, Seen>();
  private deadIds: ReadonlySet<string> = new Set();
  private live = 1;
  private mine?: InstanceDoc;
  private lastBeatOk = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private get host(): string {
    return this.o.machine ?? os.hostname();
  }
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly o: InstanceRegistryOptions) {}

  /** Monotonic: a wall-clock jump (or a test's fake Date) must not make everyone look dead. */
  private get clock(): number {
    return this.o.clock?.() ?? performance.now();
  }
  private get beatMs(): number {
    return this.o.beatMs ?? 1_000;
  }
  private get deadAfterMs(): number {
    return this.o.deadAfterMs ?? 5_000;
  }

  /** The first heartbeat (awaited: the instance is known before it takes work), then one every `beatMs`. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.beatMs);
    this.timer.unref();
  }

  /** Instances whose leases have ended (their ids as lease owners). */
  dead(): ReadonlySet<string> {
    return this.deadIds;
  }

  /** Live instances sharing the store, this one included (at least 1). */
  liveCount(): number {
    return this.live;
  }

  /** This instance's heartbeat reached the store recently enough that nobody can have taken its work over. */
  fresh(): boolean {
    return this.clock - this.lastBeatOk < this.deadAfterMs - this.beatMs;
  }

  /** One heartbeat: write ours, read everyone's, note who died. Runs one at a time. */
  beat(): Promise<void> {
    if (!this.running)
      this.running = this.beatOnce()
        .catch((err) => log.warn({ code: (err as { code?: string }).code ?? 'error' }, 'heartbeat failed'))
        .finally(() => {
          this.running = undefined;
        });
    return this.running;
  }

  /** A graceful stop: no more heartbeats, and the others may take this instance's leases at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    try {
      await this.write({ stoppedAt: new Date().toISOString() });
    } catch (err) {
      log.warn({ code: (err as { code?: string }).code ?? 'error' }, 'could not mark this instance stopped');
    }
  }

  private async beatOnce(): Promise<void> {
    await this.write({});
    this.lastBeatOk = this.clock;
    this.observe(await this.o.coordination.list<InstanceDoc>('instance'));
  }

  private async write(extra: Partial<InstanceDoc>): Promise<void> {
    const c = this.o.coordination;
    const doc: InstanceDoc = {
      id: instanceDocId(this.o.instanceId),
      kind: 'instance',
      instanceId: this.o.instanceId,
      host: this.host,
      pid: process.pid,
      startedAt: this.startedAt,
      beatAt: new Date().toISOString(),
      ...extra,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const etag = this.mine?._etag ?? (await c.get<InstanceDoc>(doc.id))?._etag;
      const written = etag ? await c.replace(doc, etag) : await c.create(doc);
      if (written) {
        this.mine = written;
        return;
      }
      this.mine = undefined; // someone else wrote it (an earlier process with our id): read it again
    }
  }

  private observe(docs: InstanceDoc[]): void {
    const now = this.clock;
    const departed: string[] = [];
    const dead = new Set<string>();
    for (const d of docs) {
      if (d.instanceId === this.o.instanceId) continue;
      const before = this.seen.get(d.instanceId);
      const changed = !before || before.etag !== d._etag;
      const seen: Seen = { etag: d._etag ?? '', changedAt: changed ? now : before.changedAt, dead: false };
      seen.dead = Boolean(d.stoppedAt) || this.goneHere(d) || now - seen.changedAt >= this.deadAfterMs;
      this.seen.set(d.instanceId, seen);
      if (!seen.dead) continue;
      dead.add(d.instanceId);
      if (!before?.dead) departed.push(d.instanceId);
      if (now - seen.changedAt >= (this.o.forgetAfterMs ?? 3_600_000)) void this.forget(d);
    }
    this.deadIds = dead;
    this.live = 1 + docs.filter((d) => d.instanceId !== this.o.instanceId && !dead.has(d.instanceId)).length;
    if (departed.length) {
      log.info({ instances: departed, live: this.live }, 'taking over the work of stopped instances');
      this.o.onDeparted?.(departed);
    }
  }

  /** A heartbeat of a process on this machine that no longer runs (a restart after a crash): dead without waiting. */
  private goneHere(d: InstanceDoc): boolean {
    if (d.host !== this.host || d.pid === process.pid) return false;
    try {
      process.kill(d.pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private async forget(d: InstanceDoc): Promise<void> {
    this.seen.delete(d.instanceId);
    await this.o.coordination.remove(d.id).catch(() => undefined);
  }
}

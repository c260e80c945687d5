/**
 * The copy loop of `npm run store -- copy`: every document of every container from one Store to another, page by
 * page in id order, written with `bulk.put` (an upsert: running the copy twice gives the same target).
 *
 * Resumable: after each page the last id written per container goes to a checkpoint file, so a rerun after a crash,
 * Ctrl-C or a network failure pages on after it instead of starting over. The checkpoint names both stores' locations
 * and is ignored when they differ (a checkpoint for another account is no promise about this one). When the copy
 * completes the checkpoint is deleted, so the next run copies everything again.
 *
 * Not a snapshot: a document the bot changes after its page was copied keeps its older copy in the target. Stop the
 * bot for the final run (or run the copy again once it is stopped: the rerun replaces every document).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONTAINER_NAMES, type ContainerName } from '../../src/store/backend';
import type { Store } from '../../src/store';

export const PAGE_SIZE = 500;

export type CopyEvent =
  | { kind: 'resume'; after: number }
  | { kind: 'checkpoint-ignored'; reason: string }
  | { kind: 'container-start'; container: ContainerName; total: number; done: number }
  | { kind: 'page'; container: ContainerName; total: number; done: number }
  | { kind: 'container-end'; container: ContainerName; copied: number; target: number };

export interface CopyOptions {
  /** The checkpoint file, e.g. DATA_DIR/store-copy-sqlite-to-cosmos.json. */
  checkpoint: string;
  onProgress?: (event: CopyEvent) => void;
  /** Ignore an existing checkpoint and copy from the first document. */
  restart?: boolean;
  pageSize?: number;
  /** Stops after the page being copied; the checkpoint keeps what was written. */
  signal?: AbortSignal;
}

export interface ContainerResult {
  /** Documents written, over every run since the checkpoint was started. */
  copied: number;
  /** The target's document count when this container was done. */
  target: number;
}

export interface CopyResult {
  /** Documents a checkpoint said were copied already (0 on a fresh copy). */
  resumedAfter: number;
  containers: Record<ContainerName, ContainerResult>;
}

interface Checkpoint {
  version: 1;
  from: string;
  to: string;
  containers: Partial<Record<ContainerName, { afterId: string; copied: number }>>;
  updatedAt: string;
}

/** Thrown when a page could not be read or written; the checkpoint holds everything before it. */
export class CopyStopped extends Error {
  constructor(
    readonly container: ContainerName,
    readonly copied: number,
    cause: unknown,
  ) {
    super(`copy stopped in ${container} after ${copied} documents: ${firstLine(cause)}`, { cause });
    this.name = 'CopyStopped';
  }
}

export async function copyStore(from: Store, to: Store, opts: CopyOptions): Promise<CopyResult> {
  const emit = opts.onProgress ?? (() => undefined);
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  const fresh: Checkpoint = { version: 1, from: describe(from), to: describe(to), containers: {}, updatedAt: '' };
  const cp = opts.restart ? fresh : readCheckpoint(opts.checkpoint, fresh, emit);
  const resumedAfter = Object.values(cp.containers).reduce((n, c) => n + (c?.copied ?? 0), 0);
  if (resumedAfter > 0) emit({ kind: 'resume', after: resumedAfter });

  const containers = {} as Record<ContainerName, ContainerResult>;
  for (const name of CONTAINER_NAMES) {
    let afterId = cp.containers[name]?.afterId;
    let copied = cp.containers[name]?.copied ?? 0;
    const total = await attempt(name, copied, () => from.bulk.count(name));
    emit({ kind: 'container-start', container: name, total: Math.max(total, copied), done: copied });
    for (;;) {
      if (opts.signal?.aborted) throw new CopyStopped(name, copied, new Error('interrupted'));
      const docs = await attempt(name, copied, () => from.bulk.page(name, afterId, pageSize));
      if (docs.length === 0) break;
      const lastId = docs[docs.length - 1].id;
      // A source that did not page forward would loop for ever; the contract says "id greater than afterId".
      if (afterId !== undefined && !(lastId > afterId))
        throw new CopyStopped(name, copied, new Error(`the source returned ids out of order after ${afterId}`));
      await attempt(name, copied, () => to.bulk.put(name, docs));
      afterId = lastId;
      copied += docs.length;
      cp.containers[name] = { afterId, copied };
      writeCheckpoint(opts.checkpoint, cp);
      emit({ kind: 'page', container: name, total: Math.max(total, copied), done: copied });
      if (docs.length < pageSize) break;
    }
    const target = await attempt(name, copied, () => to.bulk.count(name));
    containers[name] = { copied, target };
    emit({ kind: 'container-end', container: name, copied, target });
  }
  fs.rmSync(opts.checkpoint, { force: true });
  return { resumedAfter, containers };
}

/** `DATA_DIR/store-copy-<from>-to-<to>.json` */
export function checkpointFile(dataDir: string, from: string, to: string): string {
  return path.join(dataDir, `store-copy-${from}-to-${to}.json`);
}

const describe = (s: Store) => `${s.backend} ${s.location}`;

async function attempt<T>(container: ContainerName, copied: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new CopyStopped(container, copied, err);
  }
}

function readCheckpoint(file: string, fresh: Checkpoint, emit: (e: CopyEvent) => void): Checkpoint {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return fresh;
  }
  let cp: Checkpoint;
  try {
    cp = JSON.parse(text) as Checkpoint;
    const valid =
      cp?.version === 1 &&
      typeof cp.containers === 'object' &&
      Object.entries(cp.containers).every(
        ([k, v]) =>
          (CONTAINER_NAMES as readonly string[]).includes(k) &&
          typeof v?.afterId === 'string' &&
          Number.isInteger(v.copied),
      );
    if (!valid) throw new Error('unexpected content');
  } catch {
    emit({
      kind: 'checkpoint-ignored',
      reason: `${path.basename(file)} is not a checkpoint this tool wrote; copying everything`,
    });
    return fresh;
  }
  if (cp.from !== fresh.from || cp.to !== fresh.to) {
    emit({
      kind: 'checkpoint-ignored',
      reason: `${path.basename(file)} is for another pair of stores (${cp.from} → ${cp.to}); copying everything`,
    });
    return fresh;
  }
  return cp;
}

/** Write-then-rename: a crash mid-write leaves the previous checkpoint, never half a file. */
function writeCheckpoint(file: string, cp: Checkpoint): void {
  cp.updatedAt = new Date().toISOString();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cp, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

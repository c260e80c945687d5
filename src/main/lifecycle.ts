/**
 * The process's life, for rolling deploys (issue 13): the HTTP server answers first; the store opens with retries
 * (a store unreachable at start is a clear log line per attempt and "not ready", never a crash loop); the jobs start
 * once it is open. A shutdown refuses new work, lets requests in flight end, stops the jobs, closes the listener and
 * the store; `superviseProcess` bounds it with a hard timer. See README "Operations".
 */
import { LeadDeskError, isCoded } from '../leads/errors';
import { logger } from '../log';
import type { Config } from '../config';
import { sqliteFile, type Store } from '../store';
import type { HttpServer, ServerDeps } from '../http/server';
import type { JobsState } from '../http/readiness';

const log = logger('main:lifecycle');

/** Backoff between attempts to open the store: doubles from `firstMs` up to `maxMs`. */
export interface StoreRetry {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_STORE_RETRY: StoreRetry = { firstMs: 1_000, maxMs: 30_000 };
/** How long a shutdown waits for requests in flight before it closes their connections. */
const DRAIN_MS = 5_000;
/** The hard limit of a shutdown: the platform kills the process 10 s after SIGTERM anyway. */
const SHUTDOWN_DEADLINE_MS = 9_000;

/** A process on its way up: the HTTP server answers (/api/health 200, /api/ready 503) while the store opens. */
export interface Starting<App> {
  url: string;
  /** The app once its store is open and its jobs started; rejects if the store fails with retry off. */
  app: Promise<App>;
  /** Stops it, whether its store opened or not. */
  stop(): Promise<void>;
}

export class Lifecycle {
  state: JobsState = 'starting';
  store?: Store;
  private openError?: LeadDeskError;
  private wake?: () => void;
  private stopped?: Promise<void>;

  readonly backend: 'cosmos' | 'sqlite';
  /** The store in log lines: the Cosmos DB endpoint and database, or the SQLite file. */
  private readonly where: string;

  constructor(config: Pick<Config, 'cosmos' | 'dataDir'>) {
    const { endpoint, database } = config.cosmos;
    this.backend = endpoint ? 'cosmos' : 'sqlite';
    this.where = endpoint ? `Cosmos DB ${endpoint} database ${database}` : sqliteFile(config.dataDir);
  }

  /** The coded 503 new work gets while the process starts or stops; undefined while it runs. */
  admit = (): LeadDeskError | undefined => {
    if (this.state === 'starting') return new LeadDeskError('service.starting');
    if (this.state === 'stopping') return new LeadDeskError('service.stopping');
    return undefined;
  };

  /** The store's own check once open (readiness); before, why the last attempt to open it failed. */
  checkStore = async (): Promise<void> => {
    if (!this.store) throw this.openError ?? new LeadDeskError('store.unavailable');
    await this.store.ready();
  };

  /** GET /api/health: 200 while the process runs, the store down or not (a liveness probe must not kill for it). */
  health = async (version: string): Promise<{ ok: boolean; body: Record<string, unknown> }> => {
    let answers = false;
    try {
      if (this.store && !this.stopping()) {
        await this.store.ping();
        answers = true;
      }
    } catch {
      answers = false;
    }
    const status = this.stopping() ? 'closing' : answers ? 'ok' : this.store ? 'unavailable' : 'not-open';
    return {
      ok: true,
      body: { status: answers ? 'ok' : 'degraded', store: { backend: this.backend, status }, version },
    };
  };

  /**
   * Opens the store, retrying with backoff; with `retry` false the first failure is thrown. Undefined when a
   * shutdown began first (a store opened meanwhile is closed again).
   */
  async openStore(open: () => Promise<Store>, retry: StoreRetry | false): Promise<Store | undefined> {
    let waitMs = retry ? retry.firstMs : 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const store = await open();
        if (this.stopping()) {
          await store.close();
          return undefined;
        }
        if (attempt > 1) log.info({ attempt }, `the store is open after ${attempt} attempts`);
        this.store = store;
        this.openError = undefined;
        return store;
      } catch (err) {
        if (!retry) throw err;
        if (this.stopping()) return undefined;
        this.openError = asStoreError(err);
        const { code } = this.openError;
        const cause = causeOf(err);
        const inS = Math.round(waitMs / 10) / 100;
        log.error(
          { code, cause, attempt, nextAttemptInS: inS },
          `the store did not open (${this.where}): ${code}${cause ? ` ${cause}` : ''}; next attempt in ${inS} s`,
        );
        await this.sleep(waitMs);
        if (this.stopping()) return undefined;
        waitMs = Math.min(waitMs * 2, retry.maxMs);
      }
    }
  }

  /** Jobs started: ready once the store answers too. */
  started(): void {
    if (this.state === 'starting') this.state = 'started';
  }

  /**
   * New work refused (503 + Retry-After, /api/ready 503) from now on; requests in flight end (at most DRAIN_MS),
   * then the jobs stop (each waits for its work in flight), `then` runs (the heartbeat says "stopped": the other
   * instances take over at once what this one still held), the listener and the store close.
   */
  stop(server: HttpServer, jobs: { stop(): Promise<void> }[], then?: () => Promise<void>): Promise<void> {
    this.stopped ??= this.shutDown(server, jobs, then);
    return this.stopped;
  }

  private async shutDown(
    server: HttpServer,
    jobs: { stop(): Promise<void> }[],
    then?: () => Promise<void>,
  ): Promise<void> {
    this.state = 'stopping';
    this.wake?.();
    if (!(await server.drain(DRAIN_MS))) log.warn({ waitedMs: DRAIN_MS }, 'requests still in flight: closing them');
    const stopped = await Promise.allSettled(jobs.map((job) => job.stop()));
    for (const s of stopped)
      if (s.status === 'rejected')
        log.error({ code: (s.reason as LeadDeskError).code ?? 'error' }, 'a job did not stop');
    await then?.();
    await server.close();
    await this.store?.close();
    log.info('stopped');
  }

  /** A method, not a field read: TypeScript would keep an earlier narrowing of `state` across the awaits. */
  private stopping(): boolean {
    return this.state === 'stopping';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The routes that need the store. */
export type ApiRoutes = Pick<ServerDeps, 'messages' | 'leads' | 'pipeline'> & {
  personalData: NonNullable<ServerDeps['personalData']>;
};

/**
 * The server's store routes before the store is open: each forwards to what `bind` gives once it is. Until then the
 * request gate (http/requestGate.ts) answers 503 before a request reaches them.
 */
export function lateRoutes(): { deps: ApiRoutes; bind(routes: ApiRoutes): void } {
  let bound: ApiRoutes | undefined;
  const routes = () => {
    if (!bound) throw new LeadDeskError('service.starting');
    return bound;
  };
  return {
    deps: {
      messages: (req, res) => routes().messages(req, res),
      leads: (req, res) => routes().leads(req, res),
      pipeline: {
        summary: (req, res) => routes().pipeline.summary(req, res),
        csv: (req, res) => routes().pipeline.csv(req, res),
      },
      personalData: {
        erase: (req, res) => routes().personalData.erase(req, res),
        export: (req, res) => routes().personalData.export(req, res),
      },
    },
    bind: (routes) => {
      bound = routes;
    },
  };
}

/**
 * main's process: SIGTERM (a deploy, a scale-in) and SIGINT stop the app, then the process exits 0; if the stop
 * hangs, a hard timer logs it and exits 1 before the platform's kill. A second signal exits at once. A start that
 * fails for another reason than the store (which is retried) exits 1 with a log line.
 */
export function superviseProcess(app: Starting<unknown>, deadlineMs = SHUTDOWN_DEADLINE_MS): void {
  app.app.catch((err) => {
    if (isCoded(err, 'service.stopping')) return; // a shutdown came first
    log.error({ code: (err as LeadDeskError).code ?? (err as Error).name }, 'Lead Desk failed to start');
    process.exit(1);
  });
  const stop = () => app.stop();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: no new work, finishing what is in flight');
    setTimeout(() => {
      log.error({ signal, deadlineMs }, `shutdown did not finish within ${deadlineMs / 1000} s: exiting now`);
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ code: (err as LeadDeskError).code ?? (err as Error).name }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function asStoreError(err: unknown): LeadDeskError {
  if (err instanceof LeadDeskError) return err;
  return new LeadDeskError('store.failed', { detail: causeOf(err) ?? 'unexpected error' }, err);
}

/** The system or driver code under a failure (ECONNREFUSED, EACCES, SQLITE_CANTOPEN), never its free text. */
function causeOf(err: unknown): string | undefined {
  const inner = err instanceof LeadDeskError ? err.innerError : err;
  const code = (inner as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return inner instanceof Error ? inner.name : undefined;
}

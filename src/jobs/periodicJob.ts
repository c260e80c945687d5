/**
 * A job that runs one pass every interval (and once at start), with a tick that joins a pass already running instead
 * of starting a second one, and a stop that waits for the pass in flight. A failed pass is logged and answers
 * `fallback`; the next interval tries again. The outbox, the CRM handoff, the reminders, the weekly digest and
 * retention are all this.
 */
import type { LeadDeskError } from '../leads/errors';
import type { Logger } from 'pino';
import { withLogContext } from '../log';

export abstract class PeriodicJob<R> {
  private intervalTimer?: NodeJS.Timeout;
  private inFlightPass?: Promise<R>;
  /** The code the last pass failed with: the same failure again (a full disk, every interval) is logged at debug. */
  private lastFailure?: string;

  protected constructor(
    private readonly jobLog: Logger,
    private readonly what: string,
    private readonly fallback: R,
  ) {}

  protected abstract pass(): Promise<R>;

  start(intervalMs: number): void {
    this.intervalTimer = setInterval(() => void this.tick(), intervalMs);
    this.intervalTimer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    await this.inFlightPass?.catch(() => undefined);
  }

  /** One pass; a pass already running is joined, not doubled. Its log lines carry a request id of its own. */
  tick(): Promise<R> {
    this.inFlightPass ??= withLogContext({}, () => this.pass())
      .then((result) => {
        if (this.lastFailure) this.jobLog.info({ code: this.lastFailure }, `${this.what} works again`);
        this.lastFailure = undefined;
        return result;
      })
      .catch((err) => {
        const code = (err as LeadDeskError).code ?? 'error';
        if (code === this.lastFailure) this.jobLog.debug({ code }, `${this.what} failed again`);
        else this.jobLog.warn({ code }, `${this.what} failed`);
        this.lastFailure = code;
        return this.fallback;
      })
      .finally(() => (this.inFlightPass = undefined));
    return this.inFlightPass;
  }
}

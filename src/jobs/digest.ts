/**
 * The weekly pipeline digest: at PIPELINE_DIGEST (default Monday 09:00 in the team's TIMEZONE) last week's pipeline
 * card goes to every channel that receives leads, once per week even with several bot processes: the process that
 * creates the week's marker document in the store (create-if-absent, one winner) sends it. A bot that was down at the
 * time sends it when it starts, within the same week.
 */
import { DateTime } from 'luxon';
import type { InstallStore } from '../store/installStore';
import { logger } from '../log';
import { PeriodicJob } from './periodicJob';

const log = logger('jobs:digest');

export interface DigestSender {
  /** Posts last week's pipeline card to every channel that receives leads; returns how many got it. */
  sendLastWeek(now: Date): Promise<number>;
}

export interface DigestOptions {
  installs: InstallStore;
  sender: DigestSender;
  schedule: { weekday: number; minutes: number };
  zone: string;
  instanceId: string;
  now?: () => Date;
}

/** The latest scheduled time at or before `now` (e.g. this week's Monday 09:00 in the zone). */
function lastSlot(now: Date, schedule: DigestOptions['schedule'], zone: string): Date {
  const t = DateTime.fromJSDate(now, { zone });
  let slot = t
    .startOf('week')
    .plus({ days: schedule.weekday - 1 })
    .set({ hour: Math.floor(schedule.minutes / 60), minute: schedule.minutes % 60 });
  if (slot > t) slot = slot.minus({ weeks: 1 });
  return slot.toJSDate();
}

export class WeeklyDigest extends PeriodicJob<boolean> {
  constructor(private readonly o: DigestOptions) {
    super(log, 'weekly digest', false);
  }

  /** `tick()` sends this week's digest if it is due and no process has sent it yet; true when this call sent it. */
  protected async pass(): Promise<boolean> {
    const now = this.o.now?.() ?? new Date();
    const slot = lastSlot(now, this.o.schedule, this.o.zone);
    const id = `digest:${slot.toISOString()}`;
    if (!(await this.o.installs.takeOnce(id, 'digest', this.o.instanceId, now))) return false;
    const channels = await this.o.sender.sendLastWeek(now);
    if (channels > 0) log.info({ slot: slot.toISOString(), channels }, 'weekly pipeline digest sent');
    else
      log.info(
        { slot: slot.toISOString(), channels },
        'no weekly pipeline digest posted: no channel receives leads (the week is marked done: not retried this week)',
      );
    return true;
  }
}

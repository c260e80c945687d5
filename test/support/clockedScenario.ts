/**
 * A scenario on a faked clock: sinon fakes only Date (HTTP, timers and the store stay real; the clock also moves with
 * real time so bounded waits still end), a fresh local Teams channel per test, and bots started with the periodic
 * jobs off so each test runs the job passes it means to. Everything is stopped after each test.
 */
import sinon from 'sinon';
import type { App } from '../../src/main';
import { LocalTeams, startBot } from './harness';

export interface ClockedScenario {
  readonly teams: LocalTeams;
  readonly clock: sinon.SinonFakeTimers;
  /** A bot on `dataDir` (a fresh one when omitted) with `defaults` and then `env`. */
  bot(env?: Record<string, string>, dataDir?: string): Promise<App>;
  /** Stops one bot before the test ends (a restart). */
  stop(app: App): Promise<void>;
}

/** Call inside a `describe`: sets up and tears down around every test. */
export function clockedScenario(startAt: number, defaults: Record<string, string>): ClockedScenario {
  const apps: App[] = [];
  const s = {} as { teams: LocalTeams; clock: sinon.SinonFakeTimers };
  beforeEach(async () => {
    s.clock = sinon.useFakeTimers({ now: startAt, toFake: ['Date'], shouldAdvanceTime: true });
    s.teams = await new LocalTeams().start();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    await s.teams.stop();
    s.clock.restore();
  });
  return {
    get teams() {
      return s.teams;
    },
    get clock() {
      return s.clock;
    },
    async bot(env = {}, dataDir) {
      const app = await startBot({ dataDir, env: { ...defaults, ...env }, overrides: { jobs: false } });
      apps.push(app);
      return app;
    },
    async stop(app) {
      await app.stop();
      apps.splice(apps.indexOf(app), 1);
    },
  };
}

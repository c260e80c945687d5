/**
 * Composition root: config → store → teams → http → jobs; graceful shutdown.
 * `npm start` runs this file; tests and the bench call createApp() to run bot processes in-process.
 */
import { loadConfigOrExit, summarizeConfig, type Config } from './config';
import { configureLogging, logger } from './log';
import { openStore, type Store } from './store';
import type { LeadStore } from './store/leadStore';
import type { InstallStore } from './store/installStore';
import type { EventStore } from './store/eventStore';
import { Messenger, type MessengerOptions } from './teams/sending/messenger';
import type { InstanceRegistry, Liveness } from './jobs/instances';
import { joinInstances, sendBudget } from './main/instances';
import { LeadBot } from './teams/bot';
import { botAuthentication } from './teams/adapter';
import { channelCardPoster } from './teams/sending/cardPoster';
import { CardActions } from './teams/actions/cardActions';
import { Outbox, type OutboxOptions } from './jobs/outbox';
import { Reminders } from './jobs/reminders';
import { Pipeline } from './reports/pipeline';
import { WeeklyDigest } from './jobs/digest';
import { ReportCommands } from './teams/commands/reportCommands';
import { teamsDigestSender } from './teams/sending/digestSender';
import { teamsReminderSender } from './teams/sending/reminderSender';
import { Locales } from './teams/locales/locales';
import { ManagerDirectory } from './teams/installs/managerDirectory';
import { Intake } from './intake/receive';
import { tabKeyEntry } from './http/localAccess';
import { startHttpServer } from './http/server';
import { readiness } from './http/readiness';
import {
  DEFAULT_STORE_RETRY,
  Lifecycle,
  superviseProcess,
  lateRoutes,
  type Starting,
  type StoreRetry,
} from './main/lifecycle';
import { PersonalData } from './privacy/personalData';
import { Retention } from './jobs/retention';
import { CrmHandoffJob, type CrmJobOptions } from './jobs/crmHandoff';
import { crmClient, type CrmClientOverrides } from './crm';
import type { Lead } from './leads/lead';
import { LeadDeskError } from './leads/errors';
import { apiRoutes } from './main/apiRoutes';

const log = logger('main');
/** The longest card work waits for the HTTP requests in flight to be answered (see OutboxOptions.quiet). */
const QUIET_CAP_MS = 500;

/** Knobs tests and the bench turn (not configuration a deployment sets). */
export interface AppOverrides {
  messenger?: Partial<Omit<MessengerOptions, 'auth' | 'appId'>>;
  outbox?: Partial<Pick<OutboxOptions, 'baseRetryMs' | 'maxRetryMs' | 'waitForChannelMs' | 'leaseMs' | 'concurrency'>>;
  /** The CRM handoff: its retry timing, and (tests) more options for @azure/identity. */
  crm?: CrmClientOverrides & Partial<Pick<CrmJobOptions, 'baseRetryMs' | 'maxRetryMs' | 'leaseMs' | 'concurrency'>>;
  /** Start the periodic outbox job (default true). */
  jobs?: boolean;
  now?: () => Date;
  /** Backoff for opening the store at start; false: the first failure is thrown (createApp's default). */
  storeRetry?: StoreRetry | false;
}

export interface App {
  config: Config;
  url: string;
  store: Store;
  leads: LeadStore;
  installs: InstallStore;
  events: EventStore;
  messenger: Messenger;
  outbox: Outbox;
  reminders: Reminders;
  pipeline: Pipeline;
  digest?: WeeklyDigest;
  /** Erase and export a person's personal data (src/privacy); `retention` erases what RETENTION_DAYS says, daily. */
  privacy: PersonalData;
  retention: Retention;
  /** The CRM handoff of qualified leads (src/jobs/crmHandoff.ts); undefined when no CRM is configured. */
  crm?: CrmHandoffJob;
  stop(): Promise<void>;
}

/** Tests, the bench and `npm run dev`: the app once its store is open and its jobs started; a store failure throws. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  return (await startApp(config, { storeRetry: false, ...overrides })).app;
}

/**
 * `npm start`: the HTTP server first, then the store, retried until it opens, then the jobs (issue 13: an instance
 * whose store is unreachable reports not ready instead of crashing in a loop; src/main/lifecycle.ts).
 */
export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<Starting<App>> {
  if (config.bot.anonymous) {
    log.warn(
      'MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED activities (anonymous local mode). ' +
        'Never run like this in production.',
    );
  }
  const life = new Lifecycle(config);
  const auth = botAuthentication(config.bot);
  // Teams' limits, held with every other instance on the store once it is open (issue 13; sendBudget.ts).
  const budget = sendBudget(config, overrides.messenger);
  const messenger = new Messenger({ appId: config.bot.appId, auth, budget, ...overrides.messenger });
  const routes = lateRoutes();
  const server = await startHttpServer(
    {
      ...routes.deps,
      tabEntry: config.localKey ? tabKeyEntry(config.localKey) : undefined,
      health: () => life.health(config.version),
      ready: readiness({ backend: life.backend, check: life.checkStore }, () => life.state),
      admit: life.admit,
    },
    config.port,
    config.host,
  );
  let jobs: { start(intervalMs: number): void; stop(): Promise<void> }[] = [];
  let registry: InstanceRegistry | undefined;
  const stop = () => life.stop(server, jobs, async () => registry?.stop());
  const opened = life.openStore(
    () => openStore({ dataDir: config.dataDir, cosmos: config.cosmos }),
    overrides.storeRetry ?? DEFAULT_STORE_RETRY,
  );
  const app = opened.then(
    async (store) => {
      if (!store) throw new LeadDeskError('service.stopping');
      log.info({ backend: store.backend, location: store.location }, 'store open');
      // Heartbeats: who else shares the store; a dead instance's leases end at once (jobs/instances.ts).
      let parts: ReturnType<typeof wire> | undefined;
      registry = await joinInstances(config, store, budget, () => {
        void parts?.outbox.tick();
        void parts?.reminders.tick();
      });
      const quiet = () => server.drain(QUIET_CAP_MS);
      parts = wire(config, store, messenger, { liveness: registry, quiet }, overrides);
      routes.bind(apiRoutes(config, overrides, auth, parts));
      const { outbox, reminders, digest, retention, crm } = parts;
      // Sends still waiting for Teams' budget are refused at once: their leads go back for another instance.
      const sending = { start: () => {}, stop: async () => budget.close() };
      jobs = [sending, outbox, reminders, ...(digest ? [digest] : []), retention, ...(crm ? [crm] : [])];
      if (overrides.jobs !== false) for (const job of jobs) job.start(config.jobIntervalMs);
      life.started();
      log.info({ url: server.url }, 'Lead Desk is listening');
      const { leads, installs, events } = store;
      const { pipeline, privacy } = parts;
      const url = server.url;
      return {
        config,
        url,
        store,
        leads,
        installs,
        events,
        messenger,
        outbox,
        reminders,
        digest,
        pipeline,
        privacy,
        retention,
        crm,
        stop,
      };
    },
    async (err) => {
      await server.close();
      throw err;
    },
  );
  return { url: server.url, app, stop };
}

/** The use cases, jobs and the Teams surface, wired to one store and one messenger. */
function wire(
  config: Config,
  store: Store,
  messenger: Messenger,
  { liveness, quiet }: Pick<OutboxOptions, 'quiet'> & { liveness: Liveness },
  overrides: AppOverrides,
) {
  const { leads, installs, events } = store;
  const { managerIds, followUp: policy, instanceId } = config;
  const now = overrides.now;
  // MANAGER_IDS plus each team's own managers (the installer, then `managers add @name`).
  const managers = new ManagerDirectory({ installs, globalIds: managerIds, now });
  // Whose language and zone each send is in: the asker's, the owner's as last seen, the team's (teams/locales).
  const locales = new Locales({ installs, teamLocale: config.teamLocale, teamZone: policy.hours.zone, now });
  const poster = channelCardPoster(messenger, managerIds, (channelId) => locales.ofChannel(channelId));
  const waitForChannelMs = config.jobIntervalMs;
  const outbox = new Outbox({
    leads,
    installs,
    poster,
    instanceId,
    liveness,
    quiet,
    waitForChannelMs,
    now,
    ...overrides.outbox,
  });
  const intake = new Intake({ leads, policy, delivery: outbox });
  const teamManagers = (channelId: string) => managers.ofChannel(channelId);
  const sender = teamsReminderSender({ messenger, installs, managerIds, locales, teamManagers });
  const ownerZone = async (id: string) => (await locales.ofUser(id)).zone;
  const reminders = new Reminders({ leads, events, sender, policy, instanceId, liveness, ownerZone, now });
  const cardChanged = (id: string, written?: Lead) => outbox.deliverSoon(id, written);
  const crm = crmJob(config, store, cardChanged, liveness, overrides);
  // A qualified lead (or a Retry) is handed to the CRM right away, not at the next pass.
  const updateCardSoon = (id: string, written?: Lead) => {
    cardChanged(id, written);
    if (written?.crm?.state === 'pending') crm?.sendSoon(id);
  };
  const crmTarget = config.crm?.target;
  const cardActions = new CardActions({ leads, events, messenger, managers, policy, updateCardSoon, crmTarget, now });
  const zone = policy.hours.zone;
  const pipeline = new Pipeline({ stats: store.stats, leads, zone, claimSlaMs: policy.claimSlaMs, now });
  const reports = new ReportCommands({ pipeline, leads, messenger, managers, now });
  const digest = config.pipelineDigest
    ? new WeeklyDigest({
        installs,
        sender: teamsDigestSender({ pipeline, installs, messenger, locales, zone }),
        schedule: config.pipelineDigest,
        zone,
        instanceId,
        now,
      })
    : undefined;
  const onChannelsChanged = () => outbox.channelsChanged();
  const privacy = new PersonalData({ leads, events, purge: () => store.purge(), policy, updateCardSoon, now });
  const { retentionDays } = config;
  const retention = new Retention({ leads, installs, eraser: privacy, retentionDays, instanceId, now });
  const bot = new LeadBot({
    installs,
    messenger,
    cardActions,
    reports,
    privacy,
    managers,
    locales,
    onChannelsChanged,
    now,
  });
  return { outbox, intake, reminders, pipeline, digest, privacy, retention, bot, managers, crm };
}

/** The CRM handoff job when a CRM is configured (config/crm.ts), else undefined. */
function crmJob(
  config: Config,
  store: Store,
  updateCardSoon: (id: string, written?: Lead) => void,
  liveness: Liveness,
  overrides: AppOverrides,
): CrmHandoffJob | undefined {
  if (!config.crm) return undefined;
  const { identity, ...timing } = overrides.crm ?? {};
  const client = crmClient(config.crm, { identity });
  const { leads, events } = store;
  return new CrmHandoffJob({
    leads,
    events,
    client,
    instanceId: config.instanceId,
    liveness,
    updateCardSoon,
    now: overrides.now,
    ...timing,
  });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.logLevel });
  log.info({ config: summarizeConfig(config) }, 'starting Lead Desk');
  for (const warning of config.warnings) log.warn(warning);
  const app = await startApp(config);
  superviseProcess(app);
  if (config.webhookSecretSource !== 'env') {
    const how = config.webhookSecretSource === 'generated' ? 'generated' : 'read from';
    process.stdout.write(
      `\nLead webhook: POST ${app.url}/api/leads?code=${config.webhookSecret}\n` +
        `(secret ${how} ${config.dataDir}/webhook-secret; set LEAD_WEBHOOK_SECRET to choose your own)\n\n`,
    );
  }
  if (config.localKey)
    process.stdout.write(
      `Pipeline tab: ${app.url}/tab?key=${config.localKey}\n(key kept in ${config.dataDir}/local-key)\n\n`,
    );
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`Lead Desk failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

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
import { LeadBot } from './teams/bot';
import { botAuthentication, messagesHandler } from './teams/adapter';
import { channelCardPoster } from './teams/sending/cardPoster';
import { CardActions } from './teams/actions/cardActions';
import { Outbox, type OutboxOptions } from './jobs/outbox';
import { Reminders } from './jobs/reminders';
import { Pipeline } from './reports/pipeline';
import { WeeklyDigest } from './jobs/digest';
import { ReportCommands } from './teams/commands/reportCommands';
import { teamsDigestSender } from './teams/sending/digestSender';
import { teamsReminderSender } from './teams/sending/reminderSender';
import { leadsWebhook } from './http/leadsWebhook';
import { Intake } from './intake/receive';
import { pipelineApi, pipelineAuth } from './http/pipelineApi';
import { tabKeyEntry } from './http/localAccess';
import { startHttpServer } from './http/server';
import { readiness } from './http/readiness';
import { personalDataApi } from './http/personalDataApi';
import { PersonalData } from './privacy/personalData';
import { Retention } from './jobs/retention';
import type { Lead } from './leads/lead';

const log = logger('main');

/** Knobs tests and the bench turn (not configuration a deployment sets). */
export interface AppOverrides {
  messenger?: Partial<Omit<MessengerOptions, 'auth' | 'appId'>>;
  outbox?: Partial<Pick<OutboxOptions, 'baseRetryMs' | 'maxRetryMs' | 'waitForChannelMs' | 'leaseMs' | 'concurrency'>>;
  /** Start the periodic outbox job (default true). */
  jobs?: boolean;
  now?: () => Date;
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
  stop(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  if (config.bot.anonymous) {
    log.warn(
      'MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED activities (anonymous local mode). ' +
        'Never run like this in production.',
    );
  }
  const store = await openStore({ dataDir: config.dataDir, cosmos: config.cosmos });
  log.info({ backend: store.backend, location: store.location }, 'store open');
  const auth = botAuthentication(config.bot);
  const messenger = new Messenger({ appId: config.bot.appId, auth, ...overrides.messenger });
  const parts = wire(config, store, messenger, overrides);
  const server = await startHttpServer(
    {
      messages: messagesHandler(auth, parts.bot, { localOnly: config.bot.anonymous }),
      leads: leadsWebhook({ secret: config.webhookSecret, intake: parts.intake, now: overrides.now }),
      pipeline: pipelineApi({
        pipeline: parts.pipeline,
        auth: pipelineAuth(config.bot, config.managerIds, config.localKey),
      }),
      tabEntry: config.localKey ? tabKeyEntry(config.localKey) : undefined,
      personalData: personalDataApi({
        privacy: parts.privacy,
        secret: config.webhookSecret,
        auth: pipelineAuth(config.bot, config.managerIds, config.localKey),
        now: overrides.now,
      }),
      health: () => health(store, config),
      ready: readiness({ backend: store.backend, check: () => store.ready() }),
    },
    config.port,
    config.host,
  );
  const { outbox, reminders, digest, privacy, retention } = parts;
  if (overrides.jobs !== false) {
    outbox.start(config.jobIntervalMs);
    reminders.start(config.jobIntervalMs);
    digest?.start(config.jobIntervalMs);
    retention.start(config.jobIntervalMs);
  }
  log.info({ url: server.url }, 'Lead Desk is listening');

  let stopped = false;
  const { leads, installs, events } = store;
  return {
    config,
    url: server.url,
    store,
    leads,
    installs,
    events,
    messenger,
    outbox,
    reminders,
    pipeline: parts.pipeline,
    digest,
    privacy,
    retention,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      await outbox.stop();
      await reminders.stop();
      await digest?.stop();
      await retention.stop();
      await store.close();
    },
  };
}

/** The use cases, jobs and the Teams surface, wired to one store and one messenger. */
function wire(config: Config, store: Store, messenger: Messenger, overrides: AppOverrides) {
  const { leads, installs, events } = store;
  const { managerIds, followUp: policy, instanceId } = config;
  const now = overrides.now;
  const poster = channelCardPoster(messenger, managerIds);
  const waitForChannelMs = config.jobIntervalMs;
  const outbox = new Outbox({ leads, installs, poster, instanceId, waitForChannelMs, now, ...overrides.outbox });
  const intake = new Intake({ leads, policy, delivery: outbox });
  const sender = teamsReminderSender({ messenger, installs, managerIds });
  const reminders = new Reminders({ leads, events, sender, policy, instanceId, now });
  const updateCardSoon = (id: string, written?: Lead) => outbox.deliverSoon(id, written);
  const cardActions = new CardActions({ leads, events, messenger, managerIds, policy, updateCardSoon, now });
  const zone = policy.hours.zone;
  const pipeline = new Pipeline({ stats: store.stats, leads, zone, claimSlaMs: policy.claimSlaMs, now });
  const reports = new ReportCommands({ pipeline, leads, messenger, managerIds, now });
  const digest = config.pipelineDigest
    ? new WeeklyDigest({
        installs,
        sender: teamsDigestSender({ pipeline, installs, messenger }),
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
  const bot = new LeadBot({ installs, messenger, cardActions, reports, privacy, managerIds, onChannelsChanged, now });
  return { outbox, intake, reminders, pipeline, digest, privacy, retention, bot };
}

/** GET /api/health: alive, and whether the store answers. */
async function health(store: Store, config: Config): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  let answers = true;
  try {
    await store.ping();
  } catch {
    answers = false;
  }
  const body = {
    status: answers ? 'ok' : 'degraded',
    store: { backend: store.backend, status: answers ? 'ok' : 'unavailable' },
    version: config.version,
  };
  return { ok: answers, body };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.logLevel });
  log.info({ config: summarizeConfig(config) }, 'starting Lead Desk');
  for (const warning of config.warnings) log.warn(warning);
  const app = await createApp(config);
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
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`Lead Desk failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

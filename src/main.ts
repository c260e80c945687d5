/**
 * Composition root: config → store → teams → http → jobs; graceful shutdown.
 * `npm start` runs this file; tests and the bench call createApp() to run bot processes in-process.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import type { Request, Response } from 'restify';
import { loadConfigOrExit, summarizeConfig, type Config } from './config';
import { configureLogging, logger } from './log';
import { openStore, type Store } from './store';
import type { LeadStore } from './store/leadStore';
import type { InstallStore } from './store/installStore';
import type { EventStore } from './store/eventStore';
import { Messenger, type MessengerOptions } from './teams/messenger';
import { LeadBot } from './teams/bot';
import { channelCardPoster } from './teams/cardPoster';
import { CardActions } from './teams/cardActions';
import { Outbox, type OutboxOptions } from './jobs/outbox';
import { Reminders } from './jobs/reminders';
import { Pipeline } from './reports/pipeline';
import { WeeklyDigest } from './jobs/digest';
import { ReportCommands } from './teams/reportCommands';
import { teamsDigestSender } from './teams/digestSender';
import { teamsReminderSender } from './teams/reminderSender';
import { leadsWebhook } from './http/leadsWebhook';
import { Intake } from './intake/receive';
import { pipelineApi, pipelineAuth } from './http/pipelineApi';
import { startHttpServer, type HttpServer } from './http/server';

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
  stop(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  if (config.bot.anonymous) {
    log.warn(
      'MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED activities (anonymous local mode). Never run like this in production.',
    );
  }
  const store = await openStore({ dataDir: config.dataDir, cosmos: config.cosmos });
  const { leads, installs, events } = store;
  log.info({ backend: store.backend, location: store.location }, 'store open');

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  const messenger = new Messenger({ appId: config.bot.appId, auth, ...overrides.messenger });
  const outbox = new Outbox({
    leads,
    installs,
    poster: channelCardPoster(messenger, config.managerIds),
    instanceId: config.instanceId,
    waitForChannelMs: config.jobIntervalMs,
    now: overrides.now,
    ...overrides.outbox,
  });
  const intake = new Intake({ leads, policy: config.followUp, delivery: outbox });
  const reminders = new Reminders({
    leads,
    events,
    sender: teamsReminderSender({ messenger, installs, managerIds: config.managerIds }),
    policy: config.followUp,
    instanceId: config.instanceId,
    now: overrides.now,
  });
  const cardActions = new CardActions({
    leads,
    events,
    messenger,
    managerIds: config.managerIds,
    policy: config.followUp,
    updateCardSoon: (id, written) => outbox.deliverSoon(id, written),
    now: overrides.now,
  });
  const pipeline = new Pipeline({
    stats: store.stats,
    leads,
    zone: config.followUp.hours.zone,
    claimSlaMs: config.followUp.claimSlaMs,
    now: overrides.now,
  });
  const reports = new ReportCommands({ pipeline, leads, messenger, managerIds: config.managerIds, now: overrides.now });
  const digest = config.pipelineDigest
    ? new WeeklyDigest({
        installs,
        sender: teamsDigestSender({ pipeline, installs, messenger }),
        schedule: config.pipelineDigest,
        zone: config.followUp.hours.zone,
        instanceId: config.instanceId,
        now: overrides.now,
      })
    : undefined;
  const bot = new LeadBot({
    installs,
    messenger,
    cardActions,
    reports,
    onChannelsChanged: () => outbox.channelsChanged(),
    now: overrides.now,
  });

  adapter.onTurnError = async (ctx, err) => {
    log.error(
      { err: (err as { code?: string }).code ?? (err as Error).name, activity: ctx.activity.type },
      'turn failed',
    );
  };

  const server: HttpServer = await startHttpServer(
    {
      messages: (req: Request, res: Response) => adapter.process(req, res, (ctx) => bot.run(ctx)),
      leads: leadsWebhook({ secret: config.webhookSecret, intake, now: overrides.now }),
      pipeline: pipelineApi({ pipeline, auth: pipelineAuth(config.bot, config.managerIds) }),
      health: async () => {
        let answers = true;
        try {
          await store.ping();
        } catch {
          answers = false;
        }
        return {
          ok: answers,
          body: {
            status: answers ? 'ok' : 'degraded',
            store: { backend: store.backend, status: answers ? 'ok' : 'unavailable' },
            version: config.version,
          },
        };
      },
    },
    config.port,
    config.host,
  );
  if (overrides.jobs !== false) {
    outbox.start(config.jobIntervalMs);
    reminders.start(config.jobIntervalMs);
    digest?.start(config.jobIntervalMs);
  }
  log.info({ url: server.url }, 'Lead Desk is listening');

  let stopped = false;
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
    pipeline,
    digest,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      await outbox.stop();
      await reminders.stop();
      await digest?.stop();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.logLevel });
  log.info({ config: summarizeConfig(config) }, 'starting Lead Desk');
  for (const warning of config.warnings) log.warn(warning);
  const app = await createApp(config);
  if (config.webhookSecretSource !== 'env') {
    process.stdout.write(
      `\nLead webhook: POST ${app.url}/api/leads?code=${config.webhookSecret}\n(secret ${config.webhookSecretSource === 'generated' ? 'generated' : 'read from'} ${config.dataDir}/webhook-secret; set LEAD_WEBHOOK_SECRET to choose your own)\n\n`,
    );
  }
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

/**
 * The Bot Framework side of POST /api/messages: the bot's Entra app (or anonymous local mode) validates inbound
 * tokens and signs outbound calls; the CloudAdapter runs the bot on each activity. Kept here so that only src/teams
 * imports botbuilder.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Request,
  type Response,
} from 'botbuilder';
import { logger } from '../log';
import type { LeadBot } from './bot';

const log = logger('teams:adapter');

export interface BotApp {
  appId: string;
  appPassword: string;
  appType: string;
  tenantId: string;
}

/** Validates inbound tokens and signs outbound calls as the bot's Entra app. */
export function botAuthentication(bot: BotApp): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
  } as ConfigurationBotFrameworkAuthenticationOptions);
}

/** POST /api/messages: the adapter validates the token and runs the bot. */
export function messagesHandler(auth: ConfigurationBotFrameworkAuthentication, bot: LeadBot) {
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (ctx, err) => {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    log.error({ err: code, activity: ctx.activity.type }, 'turn failed');
  };
  return (req: Request, res: Response) => adapter.process(req, res, (ctx) => bot.run(ctx));
}

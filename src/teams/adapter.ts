/**
 * The Bot Framework side of POST /api/messages: the bot's Entra app (or anonymous local mode) validates inbound
 * tokens and signs outbound calls; the CloudAdapter runs the bot on each activity. Kept here so that only src/teams
 * imports botbuilder. Who may post is decided in ./inbound.ts before the bot runs.
 */
import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult } from 'botframework-connector';
import { LeadDeskError } from '../leads/errors';
import { addLogContext, logger } from '../log';
import type { LeadBot } from './bot';
import { authenticate, readActivity, refuse } from './inbound';
import { quietSdk } from './sdkConsole';

const log = logger('teams:adapter');

export interface BotApp {
  appId: string;
  appPassword: string;
  appType: string;
  tenantId: string;
  /** The channel's OpenID metadata URL (BotOpenIdMetadata); unset = the Bot Framework's. */
  openIdMetadata?: string;
}

/** Validates inbound tokens and signs outbound calls as the bot's Entra app. */
export function botAuthentication(bot: BotApp): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
    ...(bot.openIdMetadata ? publicCloudWith(bot.openIdMetadata) : {}),
  } as ConfigurationBotFrameworkAuthenticationOptions);
}

/**
 * The public cloud's settings with another OpenID metadata URL for channel tokens. Setting any one of these makes the
 * SDK take all of them from the options (BotFrameworkAuthenticationFactory.create), so the others are repeated.
 */
function publicCloudWith(metadataUrl: string): ConfigurationBotFrameworkAuthenticationOptions {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/** A CloudAdapter that runs activities whose request was authenticated already (by ./inbound.ts). */
class CheckedAdapter extends CloudAdapter {
  runChecked(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * POST /api/messages: the activity is read and its token checked (./inbound.ts: 400, 401, 403 or 503 as coded JSON),
 * then the adapter runs the bot. The SDK's console output becomes JSON log lines (./sdkConsole.ts).
 */
export function messagesHandler(
  auth: ConfigurationBotFrameworkAuthentication,
  bot: LeadBot,
  opts: { localOnly: boolean },
) {
  const adapter = new CheckedAdapter(auth);
  adapter.onTurnError = async (ctx, err) => {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    log.error({ err: code, activity: ctx.activity.type }, 'turn failed');
  };
  return (req: Request, res: Response) =>
    quietSdk(async () => {
      try {
        const activity = readActivity(req);
        addLogContext({ activityId: activity.id });
        const checked = await authenticate(auth, activity, req, opts.localOnly);
        const answer = await adapter.runChecked(checked, activity, (ctx) => bot.run(ctx));
        res.status(answer?.status ?? 200);
        if (answer?.body) res.send(answer.body);
        res.end();
      } catch (err) {
        const coded = err instanceof LeadDeskError ? err : new LeadDeskError('bot.failed', {}, err);
        const inner = errorName(coded.innerError);
        if (coded.status >= 500) log.error({ code: coded.code, err: inner }, 'activity not processed');
        else log.info({ code: coded.code, err: inner }, 'activity refused');
        refuse(res, coded);
      }
    });
}

/** An error's class for the log (the SDK's AuthenticationError leaves its name at 'Error'). */
function errorName(err: unknown): string | undefined {
  if (!(err instanceof Error)) return err === undefined ? undefined : typeof err;
  return err.name !== 'Error' ? err.name : err.constructor.name;
}

/**
 * The Teams surface's dispatcher: every inbound activity is first recorded for installs (installs/), then a card
 * click goes to actions/, a text message to the command it names (commands/). Replies go through the messenger
 * (sending/) like every other send, so rate limits and retries apply to them too.
 */
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { InstallStore } from '../store/installStore';
import { isStoreError } from '../leads/errors';
import { refusalText } from './views/leadViews';
import { logger } from '../log';
import { InstallTracker } from './installs/installTracker';
import { parseCommand, type Command, type Mentioned } from './commands/parseCommand';
import type { ReportCommands } from './commands/reportCommands';
import { ChannelCommands, channelOf } from './commands/channelCommands';
import { helpText, unknownCommandText } from './commands/help';
import type { Messenger } from './sending/messenger';
import { replyText } from './sending/replies';
import type { PersonalData } from '../privacy/personalData';
import { EraseCommand } from './commands/eraseCommand';
import { EraseConfirm, isEraseConfirm } from './actions/eraseConfirm';
import { ManagersCommand } from './commands/managersCommand';
import type { Locales } from './locales/locales';
import { readerOf, setReader } from './locales/reader';
import { seenIn } from './locales/seen';
import type { ManagerDirectory } from './installs/managerDirectory';

const log = logger('teams:bot');

export interface CardActionHandler {
  onInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse>;
  onSubmit(ctx: TurnContext): Promise<void>;
}

export interface LeadBotDeps {
  installs: InstallStore;
  messenger: Messenger;
  /** Called when a channel starts receiving leads, so leads waiting for a channel go out now. */
  onChannelsChanged?: () => void;
  cardActions: CardActionHandler;
  /** pipeline, mine, stale. */
  reports: ReportCommands;
  /** `erase <email>` and its Erase button (managers only). */
  privacy: Pick<PersonalData, 'count' | 'erase'>;
  /** MANAGER_IDS and each team's own managers (`managers add @name`); the installer becomes the first. */
  managers: ManagerDirectory;
  /** Whose language and time zone each answer and send is in (locales/locales.ts). */
  locales?: Locales;
  now?: () => Date;
}

type Handlers = { [N in Command['name']]: (ctx: TurnContext, command: Extract<Command, { name: N }>) => Promise<void> };

export class LeadBot extends TeamsActivityHandler {
  private readonly installTracker: InstallTracker;
  /** One handler per chat command (commands/commandList.ts lists them for help and the manifest). */
  private readonly commands: Handlers;
  private readonly eraseConfirm: EraseConfirm;

  constructor(private readonly deps: LeadBotDeps) {
    super();
    this.installTracker = new InstallTracker(deps);
    const channels = new ChannelCommands(deps);
    const { reports, messenger } = deps;
    const erase = new EraseCommand(deps);
    const managers = new ManagersCommand(deps);
    this.eraseConfirm = new EraseConfirm(deps);
    this.commands = {
      // Answers are in the asker's language (locales/reader.ts).
      subscribe: (ctx, c) => channels.subscribe(ctx, c.args, readerOf(ctx).locale),
      unsubscribe: (ctx) => channels.unsubscribe(ctx, readerOf(ctx).locale),
      pipeline: (ctx, c) => reports.pipeline(ctx, c, readerOf(ctx).locale),
      mine: (ctx) => reports.mine(ctx, readerOf(ctx).locale),
      stale: (ctx) => reports.stale(ctx, readerOf(ctx).locale),
      erase: (ctx, c) => erase.run(ctx, c, readerOf(ctx).locale),
      managers: (ctx, c) => managers.run(ctx, c),
      help: (ctx) => replyText(messenger, ctx, helpText(readerOf(ctx).locale)),
      unknown: (ctx, c) => replyText(messenger, ctx, unknownCommandText(c.word, c.closest, readerOf(ctx).locale)),
    };
    this.onTurn(async (ctx, next) => {
      await this.installTracker.track(ctx).catch((err) => {
        // Install records are seen again with the next activity: a store that cannot write now must not cost the
        // user their answer (the command or the click says "Could not save" itself when it needs the store).
        if (!isStoreError(err)) throw err;
        log.warn({ code: err.code }, 'install not recorded: the store is unavailable');
      });
      await this.rememberReader(ctx);
      await next();
    });
    this.onMessage(async (ctx, next) => {
      if (isEraseConfirm(ctx.activity.value)) await this.eraseConfirm.onSubmit(ctx);
      else if (ctx.activity.value) await this.deps.cardActions.onSubmit(ctx);
      else await this.handleCommand(ctx);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(
    ctx: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (isEraseConfirm(value)) return this.eraseConfirm.onInvoke(ctx, value);
    return this.deps.cardActions.onInvoke(ctx, value);
  }

  private async handleCommand(ctx: TurnContext): Promise<void> {
    const activity = ctx.activity;
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const mentions: Mentioned[] = (activity.entities ?? [])
      .filter((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== activity.recipient?.id)
      .map((e) => ({
        id: String(e.mentioned.id),
        name: String(e.mentioned.name ?? e.mentioned.id),
        ...(e.mentioned.aadObjectId ? { aadObjectId: String(e.mentioned.aadObjectId) } : {}),
      }));
    const command = parseCommand(text, mentions, readerOf(ctx).locale);
    log.info({ command: command.name, inChannel: Boolean(channelOf(ctx)) }, 'command');
    const handler = this.commands[command.name] as (ctx: TurnContext, command: Command) => Promise<void>;
    try {
      await handler(ctx, command);
    } catch (err) {
      // The store failed or cannot write right now (full or damaged disk, lock): say so instead of staying silent.
      if (!isStoreError(err)) throw err;
      log.warn({ command: command.name, code: err.code }, 'command not answered: the store is unavailable');
      await replyText(this.deps.messenger, ctx, refusalText(readerOf(ctx).locale, { code: 'action.not-saved' }));
    }
  }

  /** Who this turn answers, in which language and zone; their locale and zone are kept for later sends. */
  private async rememberReader(ctx: TurnContext): Promise<void> {
    const userId = ctx.activity.from?.id;
    if (!this.deps.locales || !userId) return;
    try {
      setReader(ctx, await this.deps.locales.reader(userId, seenIn(ctx.activity)));
    } catch (err) {
      // Kept again with the next activity; this answer is still in the language the activity says.
      if (!isStoreError(err)) throw err;
      log.warn({ code: err.code }, 'locale not recorded: the store is unavailable');
    }
  }
}

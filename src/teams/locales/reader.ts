/**
 * The reader of this turn's answers (the asker), worked out once per inbound activity by bot.ts (locales.ts: the
 * activity's locale and zone, the rest as last seen) and read by every command and card action that answers.
 */
import type { TurnContext } from 'botbuilder';
import { DEFAULT_ZONE, toLocale } from '../../i18n';
import type { Reader } from './locales';
import { seenIn } from './seen';

const READER = Symbol('lead-desk.reader');

export function setReader(ctx: TurnContext, reader: Reader): void {
  ctx.turnState.set(READER, reader);
}

/** The asker: as bot.ts worked it out for this turn, else from the activity alone. */
export function readerOf(ctx: TurnContext): Reader {
  const known = ctx.turnState.get(READER) as Reader | undefined;
  if (known) return known;
  const seen = seenIn(ctx.activity);
  return { locale: toLocale(seen.locale), zone: seen.timeZone ?? DEFAULT_ZONE };
}

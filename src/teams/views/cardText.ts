/**
 * Text as a card may show it (issue 14). Everything bound to a card template passes through `safeCardData`
 * (cards.ts `expandTemplate`): bidirectional controls are removed, so a name like `Rtlname\u202Egnp.exe` cannot
 * show as `Rtlnameexe.png`, and so are control characters and lone surrogates. `fitCard` then keeps the expanded
 * card under Teams' message limit (about 28 KB for the whole activity): long texts are shortened with an ellipsis.
 * The stored lead keeps what came in; only what a card shows is changed.
 */
import type { AdaptiveCard } from './cards';

/** LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; the Arabic letter mark. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
/** C0 controls but tab and newline, DEL, C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds, to remove them
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A card's whole JSON stays under this; the activity around it (summary, ids, channel data) takes the rest of 28 KB. */
export const CARD_BUDGET_BYTES = 24_000;
/** The longest a single text on a card gets, however much room there is. */
const TEXT_MAX = 2_000;
/** Below this, shortening stops: such a card is refused by Teams and the reduced card goes instead (cardPoster.ts). */
const TEXT_MIN = 40;

/** The text without bidirectional controls, control characters (tab and newline stay) or lone surrogates. */
export function cardText(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** At most `max` characters (code points), the last one an ellipsis when shortened; a `{{DATE(…)}}` stays whole. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  let cut = points.slice(0, Math.max(0, max - 1)).join('');
  const open = cut.lastIndexOf('{{');
  if (open > cut.lastIndexOf('}}')) cut = cut.slice(0, open);
  return `${cut.trimEnd()}…`;
}

/** Every string in the data a template binds, made safe to show (`cardText`); the data itself is not changed. */
export function safeCardData<T>(data: T): T {
  if (typeof data === 'string') return cardText(data) as T;
  if (Array.isArray(data)) return data.map(safeCardData) as T;
  if (data && typeof data === 'object')
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, safeCardData(v)])) as T;
  return data;
}

interface Slot {
  holder: Record<string, unknown>;
  key: string;
}

/**
 * The expanded card, shortened in place until its JSON fits `budget` bytes: every text a reader sees (TextBlock,
 * TextRun, facts, fallbackText, speak) is at most TEXT_MAX characters, and while the card is too large that cap is
 * halved (down to TEXT_MIN). Ids, verbs, choices and prefilled inputs are never changed.
 */
export function fitCard(card: AdaptiveCard, budget = CARD_BUDGET_BYTES): AdaptiveCard {
  const slots = textSlots(card);
  let max = TEXT_MAX;
  capSlots(slots, max);
  while (Buffer.byteLength(JSON.stringify(card)) > budget && max > TEXT_MIN) {
    max = Math.max(TEXT_MIN, Math.floor(max / 2));
    capSlots(slots, max);
  }
  return card;
}

function capSlots(slots: Slot[], max: number): void {
  for (const { holder, key } of slots) holder[key] = shorten(holder[key] as string, max);
}

/** Where a card holds text for the reader (an explicit stack: cards nest containers in columns in containers). */
function textSlots(card: AdaptiveCard): Slot[] {
  const slots: Slot[] = [];
  const stack: unknown[] = [card];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const o = node as Record<string, unknown>;
    const add = (holder: Record<string, unknown>, keys: string[]) => {
      for (const key of keys) if (typeof holder[key] === 'string') slots.push({ holder, key });
    };
    if (o.type === 'TextBlock' || o.type === 'TextRun') add(o, ['text']);
    if (o.type === 'AdaptiveCard') add(o, ['fallbackText', 'speak']);
    if (o.type === 'FactSet' && Array.isArray(o.facts))
      for (const fact of o.facts) if (fact && typeof fact === 'object') add(fact, ['title', 'value']);
    for (const value of Object.values(o)) if (value && typeof value === 'object') stack.push(value);
  }
  return slots;
}

/** `managers [add|remove] @name…` → what to do and with whom. Pure; parseCommand.ts calls it after the command word. */
import type { Person } from '../../leads/managers';

export type ManagersAction = 'list' | 'add' | 'remove';

/** The words after `managers` that pick the action (any case, English or Turkish); anything else lists. */
const ACTION_WORDS: Record<Exclude<ManagersAction, 'list'>, readonly string[]> = {
  add: ['add', '+', 'ekle'],
  remove: ['remove', 'rm', 'delete', '-', 'çıkar', 'kaldır', 'sil'],
};

/** The action from the first word after the command; the people from the message's @mentions (not the bot's). */
export function parseManagers(
  words: readonly string[],
  mentions: readonly Person[],
): { name: 'managers'; action: ManagersAction; people: Person[] } {
  const first = words[0] ?? '';
  const action = (Object.keys(ACTION_WORDS) as (keyof typeof ACTION_WORDS)[]).find((a) =>
    ACTION_WORDS[a].some((w) => w.localeCompare(first, 'tr', { sensitivity: 'base' }) === 0),
  );
  return { name: 'managers', action: action ?? 'list', people: [...mentions] };
}

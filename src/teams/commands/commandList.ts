/**
 * The bot's text commands: the single source for the help text and for the Teams manifest's `commandLists`. The
 * commands and their order are commandWords.ts's; their syntax and description are the catalogs'
 * `command.list.<name>.*` (help shows the reader's, the manifest the English ones).
 * `manifest/manifest.template.json` lists the same commands (title = name, description = `${usage} — ${description}`,
 * see `manifestCommand`); test/manifest/manifest.test.ts fails when the two drift apart.
 */
import { t } from '../../i18n';
import { COMMAND_WORDS, type CommandName } from './commandWords';

export interface CommandInfo {
  /** The word a user types (or picks from the command menu). */
  readonly name: CommandName;
  /** The syntax, starting with the name; optional parts in square brackets. */
  readonly usage: string;
  /** What the command does, as a short sentence fragment. */
  readonly description: string;
}

export const COMMANDS: readonly CommandInfo[] = (Object.keys(COMMAND_WORDS) as CommandName[]).map((name) => ({
  name,
  usage: t('en', `command.list.${name}.usage`),
  description: t('en', `command.list.${name}.description`),
}));

/** The manifest's view of a command: what Teams shows in the command menu. */
export function manifestCommand(c: CommandInfo): { title: string; description: string } {
  return { title: c.name, description: `${c.usage} — ${c.description}` };
}

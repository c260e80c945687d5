/**
 * The bot's text commands: the single source for the help text and for the Teams manifest's `commandLists`.
 * `manifest/manifest.template.json` lists the same commands (title = name, description = `${usage} — ${description}`,
 * see `manifestCommand`); test/manifest/manifest.test.ts fails when the two drift apart.
 */

export interface CommandInfo {
  /** The word a user types (or picks from the command menu). */
  readonly name: string;
  /** The syntax, starting with the name; optional parts in square brackets. */
  readonly usage: string;
  /** What the command does, as a short sentence fragment. */
  readonly description: string;
}

export const COMMANDS = [
  {
    name: 'subscribe',
    usage: 'subscribe [appsource|azure|all] [offer TEXT] [country CODE]',
    description: 'send matching leads to this channel',
  },
  {
    name: 'unsubscribe',
    usage: 'unsubscribe',
    description: 'stop sending leads to this channel',
  },
  {
    name: 'pipeline',
    usage: 'pipeline [this week|last week|this month|all] [appsource|azure] [offer TEXT] [for @seller]',
    description: 'pipeline summary for managers',
  },
  {
    name: 'mine',
    usage: 'mine',
    description: 'your open leads, next touch first',
  },
  {
    name: 'stale',
    usage: 'stale',
    description: 'open leads past a deadline, oldest first',
  },
  {
    name: 'erase',
    usage: 'erase EMAIL',
    description: "managers: erase a person's personal data (asks to confirm)",
  },
  {
    name: 'managers',
    usage: 'managers [add|remove] @name',
    description: 'who manages this team; managers add or remove others',
  },
  {
    name: 'help',
    usage: 'help',
    description: 'show what Lead Desk can do',
  },
] as const satisfies readonly CommandInfo[];

/** The manifest's view of a command: what Teams shows in the command menu. */
export function manifestCommand(c: CommandInfo): { title: string; description: string } {
  return { title: c.name, description: `${c.usage} — ${c.description}` };
}

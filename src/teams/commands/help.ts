/** The answer to `help`, built from the command list (commandList.ts), with an example for the commands that take words. */
import { COMMANDS } from './commandList';

const EXAMPLES: Record<string, string> = {
  subscribe: 'subscribe azure offer contoso',
  pipeline: 'pipeline last week appsource',
  mine: 'mine',
  stale: 'stale',
  erase: 'erase dana@contoso.com',
};

export function helpText(): string {
  const line = (c: (typeof COMMANDS)[number]) =>
    `- **${c.usage}**: ${c.description}${EXAMPLES[c.name] ? ` (e.g. *${EXAMPLES[c.name]}*)` : ''}`;
  return ['Lead Desk commands:', ...COMMANDS.map(line)].join('\n\n');
}

/** The answer to a word that is no command: the closest command, or the whole help. */
export function unknownCommandText(word: string, closest?: string): string {
  return closest
    ? `I don't know "${word}". Did you mean **${closest}**? Type **help** for every command.`
    : `I don't know "${word}". ${helpText()}`;
}

/** Text commands (channel @mention or personal chat) → intents. Pure. */
export type Command =
  | { name: 'subscribe'; args: string }
  | { name: 'unsubscribe' }
  | { name: 'help' }
  | { name: 'unknown'; word: string };

export function parseCommand(text: string): Command {
  const clean = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  const [first = '', ...rest] = clean.split(' ');
  const word = first.toLowerCase();
  switch (word) {
    case 'subscribe':
      return { name: 'subscribe', args: rest.join(' ') };
    case 'unsubscribe':
      return { name: 'unsubscribe' };
    case '':
    case 'help':
    case '?':
      return { name: 'help' };
    default:
      return { name: 'unknown', word: first.slice(0, 40) };
  }
}

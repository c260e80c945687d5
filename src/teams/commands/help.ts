/**
 * The answer to `help`, one line per command of the command list (commandList.ts), with its syntax, what it does
 * and an example, in the reader's language (the catalogs' `command.list.*`).
 */
import { t, type Locale } from '../../i18n';
import { COMMANDS } from './commandList';

export function helpText(locale: Locale = 'en'): string {
  const line = (c: (typeof COMMANDS)[number]) => {
    const key = `command.list.${c.name}`;
    const example = t(locale, `${key}.example`);
    const e = example ? ` ${t(locale, 'command.example', { example })}` : '';
    return `- **${t(locale, `${key}.usage`)}**: ${t(locale, `${key}.description`)}${e}`;
  };
  return [t(locale, 'command.intro'), ...COMMANDS.map(line)].join('\n\n');
}

/** The answer to a word that is no command: the closest command, or the whole help. */
export function unknownCommandText(word: string, closest?: string, locale: Locale = 'en'): string {
  return closest
    ? t(locale, 'command.unknownClosest', { word, closest })
    : t(locale, 'command.unknown', { word, help: helpText(locale) });
}

/**
 * The leads behind a pipeline summary as CSV, for a CRM import (the tab's download, GET /api/pipeline.csv).
 * RFC 4180: CRLF rows, fields with " , CR or LF quoted, quotes doubled; UTF-8. README "Pipeline" says how to
 * import it (the phone column as text).
 */
import type { Lead } from '../leads/lead';

const COLUMNS: [string, (l: Lead) => string | undefined][] = [
  ['id', (l) => l.id],
  ['received', (l) => l.createdAt],
  ['status', (l) => l.status],
  ['storefront', (l) => l.source.storefront],
  ['offer', (l) => l.source.offerTitle || l.source.offer],
  ['owner', (l) => l.owner?.name],
  ['rating', (l) => l.rating],
  ['first name', (l) => l.contact.firstName],
  ['last name', (l) => l.contact.lastName],
  ['email', (l) => l.contact.email],
  ['phone', (l) => l.contact.phone],
  ['company', (l) => l.contact.company],
  ['country', (l) => l.contact.country],
  ['title', (l) => l.contact.title],
];

/** After a leading + or -: a phone number or a plain number (digits, spaces, parentheses, dots, dashes, slashes). */
const PHONE_OR_NUMBER = /^\(?\d[\d ().\-/]*$/;

/**
 * A cell a spreadsheet would run as a formula ("CSV injection"): one starting with = or @, a tab or CR, or with
 * + or - followed by anything but a phone number or a plain number (`-2+3`, `+HYPERLINK(…)`, `-cmd|…`).
 * Phone numbers (`+44 20 7946 0958`, `+1 (555) 010-0199`) and other plain values stay as they are.
 */
function runsAsFormula(s: string): boolean {
  if (/^[=@\t\r]/.test(s)) return true;
  if (!/^[+-]/.test(s)) return false;
  const rest = s.slice(1);
  return rest.trim() !== '' && !PHONE_OR_NUMBER.test(rest);
}

/** One CSV field: a cell that would run as a formula gets a leading apostrophe; RFC 4180 quoting. */
export function csvCell(value: string | undefined): string {
  let s = value ?? '';
  if (runsAsFormula(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function leadsCsv(leads: Lead[]): string {
  const rows = [COLUMNS.map(([name]) => name), ...leads.map((l) => COLUMNS.map(([, get]) => get(l)))];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

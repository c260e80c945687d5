/**
 * The leads behind a pipeline summary as CSV, for a CRM import (the tab's download, GET /api/pipeline.csv).
 * RFC 4180: CRLF rows, fields with " , CR or LF quoted, quotes doubled.
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

/**
 * One CSV field. A value starting with = + - @ (or tab / CR) would run as a formula in Excel or Sheets
 * ("CSV injection"), so it gets a leading apostrophe: a phone "+44 20…" imports as "'+44 20…".
 */
export function csvCell(value: string | undefined): string {
  let s = value ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function leadsCsv(leads: Lead[]): string {
  const rows = [COLUMNS.map(([name]) => name), ...leads.map((l) => COLUMNS.map(([, get]) => get(l)))];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

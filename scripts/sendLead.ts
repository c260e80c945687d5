/**
 * `npm run lead`: posts a sample AppSource "Contact me" lead to the local webhook, as Partner Center would, and
 * prints the answer. Each run uses a new email address, so each run is a new lead and a new card; `--same` replays
 * the fixed sample (the webhook answers 200 "duplicate" after the first time and posts no second card).
 *
 *   npm run lead            npm run lead -- --same
 *
 * Target: http://127.0.0.1:<PORT, default 3978>/api/leads?code=<LEAD_WEBHOOK_SECRET, or the secret the bot keeps in
 * DATA_DIR/webhook-secret>. Settings come from src/config like the bot's own, so both agree.
 */
import { randomBytes } from 'node:crypto';
import { loadConfigOrExit, type Config } from '../src/config';
import { contactMePayload } from '../test/support/payloads';

/** The HTTPS webhook body Partner Center sends (the fields the sample uses). */
export type SampleLead = typeof contactMePayload;

/** The sample lead `npm run dev` prints as a curl command: the tests' AppSource "Contact me" (PLT) lead. */
export const SAMPLE_LEAD: Readonly<SampleLead> = contactMePayload;

/** The sample with a fresh email (dana.kowalski+k3x9q2@northwind.example), so the webhook sees a new person. */
export function freshSampleLead(): SampleLead {
  const tag = randomBytes(4).toString('hex');
  const [local, domain] = SAMPLE_LEAD.UserDetails.Email.split('@');
  return { ...SAMPLE_LEAD, UserDetails: { ...SAMPLE_LEAD.UserDetails, Email: `${local}+${tag}@${domain}` } };
}

/** Where the running bot's webhook is, with the secret in the query string. */
export function webhookUrl(config: Pick<Config, 'host' | 'port' | 'webhookSecret'>, port = config.port): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/leads?code=${encodeURIComponent(config.webhookSecret)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--same');
  if (unknown.length) {
    process.stderr.write(`Unknown argument ${unknown.join(' ')}. Usage: npm run lead [-- --same]\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfigOrExit();
  const lead = args.includes('--same') ? SAMPLE_LEAD : freshSampleLead();
  const url = webhookUrl(config);
  const shown = url.replace(/code=[^&]*/, 'code=***');
  process.stdout.write(
    `POST ${shown}\n     ${lead.UserDetails.FirstName} ${lead.UserDetails.LastName} <${lead.UserDetails.Email}>, ${lead.ActionCode} ${lead.OfferTitle}\n`,
  );
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(lead),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    process.stderr.write(`Could not reach the bot (${code}). Start it first: npm run dev (or npm start).\n`);
    process.exitCode = 1;
    return;
  }
  const body = await res.text();
  process.stdout.write(`${res.status} ${res.statusText}  ${body}\n`);
  if (res.status === 401)
    process.stderr.write('The bot rejected the secret: is it running with another LEAD_WEBHOOK_SECRET or DATA_DIR?\n');
  else if (/"duplicate"/.test(body))
    process.stdout.write('The bot already has this lead: no new card. Run without --same for a new one.\n');
  else if (res.ok)
    process.stdout.write(
      'The card shows up in the channel that receives leads (in the Playground: team "Sales" › General).\n',
    );
  if (!res.ok) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}

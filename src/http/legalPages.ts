/**
 * The pages the Teams app manifest links to (manifest/manifest.template.json: developer.websiteUrl, privacyUrl,
 * termsOfUseUrl): `/`, `/privacy` and `/terms`, small static English HTML built once at start. They describe Lead
 * Desk as the organisation that deploys it runs it; edit the text here to name yours.
 */
import type { Server } from 'restify';
import type { ServerResponse } from 'node:http';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#242424}' +
  'h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.6rem}a{color:#4f52b2}';
/** Nothing but the inline style: no scripts, no framing. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, body: string): Buffer {
  return Buffer.from(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${title}</title><style>${STYLE}</style></head><body>${body}` +
      '<p><a href="/">Lead Desk</a> · <a href="/privacy">Privacy</a> · <a href="/terms">Terms of use</a></p></body></html>\n',
    'utf8',
  );
}

const HOME = page(
  'Lead Desk',
  `<h1>Lead Desk</h1>
<p>Lead Desk brings the leads of Azure Marketplace and AppSource offers into Microsoft Teams: each new lead is posted as a
card in the channels that asked for it, a seller claims it with one click, and the team follows it to qualified or
rejected.</p>
<p>This service is run by the organisation that installed Lead Desk in your Teams; ask your Teams administrator who that
is.</p>`,
);

const PRIVACY = page(
  'Lead Desk: privacy',
  `<h1>Privacy statement</h1>
<p>Lead Desk is run by the organisation that deployed it (the operator), on its own Azure subscription or server. The
operator decides what happens to the data below and answers requests about it.</p>
<h2>What Lead Desk stores</h2>
<ul>
<li>The leads Microsoft Partner Center sends for the operator's marketplace offers: the contact's name, email address,
phone number, company, country and the offer they asked about.</li>
<li>What the sales team does with each lead: who claimed it, notes and qualification answers, and an audit trail of
every action with the Teams user ids of the people who took it.</li>
<li>Which teams and channels Lead Desk is installed in, and which leads each channel asked for.</li>
</ul>
<p>The data is kept in the operator's store: a database file on the operator's server, or the operator's Azure Cosmos
DB account. Service logs hold lead ids and error codes, never names, email addresses, phone numbers or message text.</p>
<h2>How long, and erasure</h2>
<p>The operator chooses how long closed leads are kept; after that their personal data is erased automatically.
Partner Center test leads are erased after a day. A sales manager can erase one person's data at any time (the
<code>erase</code> command), and the operator can export or erase it through Lead Desk's personal-data API.</p>
<h2>Who receives it</h2>
<p>The people in the Teams channels that receive the leads, and, if the operator connects one, the operator's CRM.
Lead Desk sends the data to no one else and uses it for nothing but handling the lead.</p>
<h2>Questions and requests</h2>
<p>To see, correct or erase the data about you, contact the organisation whose offer you asked about; it is the
operator of this Lead Desk.</p>`,
);

const TERMS = page(
  'Lead Desk: terms of use',
  `<h1>Terms of use</h1>
<p>Lead Desk is run by the organisation that deployed it (the operator) for its own sales team. Using it in Microsoft
Teams means using it on the operator's terms, within the operator's policies and Microsoft's terms for Teams.</p>
<ul>
<li>Use the leads only to answer the people who asked to be contacted, and as the operator's privacy statement says.</li>
<li>Do not copy leads out of Lead Desk except into the systems the operator allows (for example its CRM).</li>
<li>The software is provided as it is, without warranty; the operator is responsible for running it, for the data it
holds, and for answering the people in it.</li>
</ul>
<p>Questions about these terms go to the operator: ask your Teams administrator.</p>`,
);

const PAGES: Record<string, Buffer> = { '/': HOME, '/privacy': PRIVACY, '/terms': TERMS };

function send(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'public, max-age=3600',
  });
  res.end(body);
}

/** GET /, /privacy and /terms. */
export function registerLegalPages(server: Server): void {
  for (const [route, body] of Object.entries(PAGES)) server.get(route, async (_req, res) => send(res, body));
}

/**
 * A webhook receiver on 127.0.0.1 (what HubSpot glue, Pipedrive glue or a Power Automate flow would be): records
 * every POST with its headers and raw body, and answers what the test sets (`answers`, in order, then 200).
 */
import http from 'node:http';
import { closeLocal, listenLocal, localUrl } from './localServer';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export class WebhookReceiver {
  private server?: http.Server;
  readonly received: Received[] = [];
  /** The next answers, in order: a status and a JSON body. After them: 200 with `{ id, url }`. */
  answers: { status: number; body?: unknown }[] = [];

  get url(): string {
    return `${localUrl(this.server)}/leaddesk`;
  }

  async start(): Promise<this> {
    this.server = await listenLocal(
      http.createServer(async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        const answer = this.answers.shift() ?? {
          status: 200,
          body: {
            id: `deal-${this.received.length + 1}`,
            url: `https://crm.example/deals/${this.received.length + 1}`,
          },
        };
        this.received.push({ headers: req.headers, body, status: answer.status });
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      }),
    );
    return this;
  }

  async stop(): Promise<void> {
    await closeLocal(this.server);
  }
}

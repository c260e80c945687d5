/**
 * A webhook receiver on 127.0.0.1 (what HubSpot glue, Pipedrive glue or a Power Automate flow would be): records
 * every POST with its headers and raw body, and answers what the test sets (`answers`, in order, then 200).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/leaddesk`;
  }

  async start(): Promise<this> {
    this.server = http.createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const answer = this.answers.shift() ?? {
        status: 200,
        body: { id: `deal-${this.received.length + 1}`, url: `https://crm.example/deals/${this.received.length + 1}` },
      };
      this.received.push({ headers: req.headers, body, status: answer.status });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

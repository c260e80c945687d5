/**
 * restify: /api/messages (Bot Framework), /api/leads (Partner Center webhook), /api/health.
 * The only importer of restify; handlers are plain Node (req, res) functions.
 */
import restify from 'restify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../log';

const log = logger('http:server');

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ServerDeps {
  /** Bot Framework request handler (CloudAdapter.process wired by main). Receives a parsed body. */
  messages: (req: restify.Request, res: restify.Response) => Promise<void>;
  leads: NodeHandler;
  health: () => Promise<{ ok: boolean; body: Record<string, unknown> }>;
}

export interface HttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(deps: ServerDeps, port: number, host: string): Promise<HttpServer> {
  const server = restify.createServer({ name: 'lead-desk', handleUncaughtExceptions: false });
  server.on('restifyError', (_req: unknown, _res: unknown, err: Error, cb: () => void) => {
    log.warn({ err: err.name }, 'request error');
    cb();
  });

  server.post('/api/messages', restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }), async (req: restify.Request, res: restify.Response) => {
    await deps.messages(req, res);
  });
  // Clients (the Agents Playground among them) probe the bot endpoint with HEAD.
  server.head('/api/messages', async (_req: restify.Request, res: restify.Response) => {
    res.send(200);
  });
  server.post('/api/leads', async (req: restify.Request, res: restify.Response) => {
    await deps.leads(req, res);
  });
  server.get('/api/health', async (_req: restify.Request, res: restify.Response) => {
    const { ok, body } = await deps.health();
    res.json(ok ? 200 : 503, body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

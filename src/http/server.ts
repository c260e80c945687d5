/**
 * restify: /api/messages (Bot Framework), /api/leads (Partner Center webhook), /api/health, /api/pipeline(.csv),
 * /api/personal-data/erase and /export, and the Pipeline tab's static files under /tab. The only user of restify
 * (loaded through ./restify, which drops its DEP0111 warning); handlers are plain Node (req, res).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'restify';
import restify from './restify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../log';
import { LOCALES_DIR, SUPPORTED_LOCALES } from '../i18n';
import { refusedTooDeep, sendReadiness } from './readiness';
import { requestGate } from './requestGate';
import { registerLegalPages } from './legalPages';
import type { LeadDeskError } from '../leads/errors';

const log = logger('http:server');

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ServerDeps {
  /** Bot Framework request handler (CloudAdapter.process wired by main). Receives a parsed body. */
  messages: (req: Request, res: Response) => Promise<void>;
  leads: NodeHandler;
  health: () => Promise<{ ok: boolean; body: Record<string, unknown> }>;
  /** GET /api/ready: 200 while the store can write and is sound, else 503 (http/readiness.ts). */
  ready?: () => Promise<{ ok: boolean; body: Record<string, unknown> }>;
  /** GET /api/pipeline and /api/pipeline.csv (http/pipelineApi.ts). */
  pipeline: { summary: NodeHandler; csv: NodeHandler };
  /** POST /api/personal-data/erase and /export (http/personalDataApi.ts). */
  personalData?: { erase: NodeHandler; export: NodeHandler };
  /** Local mode: GET /tab?key=<local key> sets the key's cookie (http/localAccess.ts); true = it answered. */
  tabEntry?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** While starting or stopping: the coded 503 every /api/ request but the probes gets (http/requestGate.ts). */
  admit?: () => LeadDeskError | undefined;
}

export interface HttpServer {
  url: string;
  port: number;
  /** Resolves true once no request is in flight (false after `timeoutMs`); the listener stays open. */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startHttpServer(deps: ServerDeps, port: number, host: string): Promise<HttpServer> {
  const server = restify.createServer({ name: 'lead-desk', handleUncaughtExceptions: false });
  server.on('restifyError', (_req: unknown, _res: unknown, err: Error, cb: () => void) => {
    log.warn({ err: err.name }, 'request error');
    cb();
  });
  const gate = requestGate(server, deps.admit);

  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }),
    gate.within,
    async (req: Request, res: Response) => {
      if (refusedTooDeep(req.body, res)) return;
      await deps.messages(req, res);
    },
  );
  // Clients (the Agents Playground among them) probe the bot endpoint with HEAD.
  server.head('/api/messages', async (_req: Request, res: Response) => {
    res.send(200);
  });
  server.post('/api/leads', async (req: Request, res: Response) => {
    await deps.leads(req, res);
  });
  server.get('/api/pipeline', async (req: Request, res: Response) => {
    await deps.pipeline.summary(req, res);
  });
  server.get('/api/pipeline.csv', async (req: Request, res: Response) => {
    await deps.pipeline.csv(req, res);
  });
  const personalData = deps.personalData;
  if (personalData) {
    server.post('/api/personal-data/erase', async (req: Request, res: Response) => personalData.erase(req, res));
    server.post('/api/personal-data/export', async (req: Request, res: Response) => personalData.export(req, res));
  }
  for (const [route, asset] of Object.entries(tabAssets())) {
    server.get(route, async (req: Request, res: Response) => {
      if (deps.tabEntry?.(req, res)) return;
      await sendAsset(res, asset);
    });
  }
  registerLegalPages(server); // /, /privacy, /terms: the manifest's links
  server.get('/api/health', async (_req: Request, res: Response) => {
    const { ok, body } = await deps.health();
    res.json(ok ? 200 : 503, body);
  });
  const ready = deps.ready;
  if (ready) server.get('/api/ready', async (_req: Request, res: Response) => sendReadiness(res, await ready()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    drain: (timeoutMs) => gate.drain(timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The Pipeline tab: a fixed list of files (no path from the URL ever reaches the file system)

interface Asset {
  file: string;
  type: string;
}

const ROOT = path.resolve(__dirname, '../..');
const TAB_DIR = path.join(ROOT, 'tab');

/**
 * Teams, Outlook and microsoft365.com may frame the tab (learn.microsoft.com: tabs/how-to/tab-requirements);
 * scripts and data come from this bot only (the browser bundles are served from node_modules, no CDN).
 */
const TAB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // TeamsJS fetches its list of valid host origins from Microsoft's CDN (it falls back to a built-in list).
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.microsoft365.com https://*.office.com https://outlook.office.com https://outlook.office365.com",
].join('; ');

function tabAssets(): Record<string, Asset> {
  const html = (name: string): Asset => ({ file: path.join(TAB_DIR, name), type: 'text/html; charset=utf-8' });
  const js = (file: string): Asset => ({ file, type: 'text/javascript; charset=utf-8' });
  const teamsJs = require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js');
  // chart.js exports no subpaths: its main entry sits in dist/ beside the UMD bundle.
  const chartJs = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  return {
    '/tab': html('index.html'),
    '/tab/': html('index.html'),
    '/tab/index.html': html('index.html'),
    '/tab/config.html': html('config.html'),
    '/tab/tab.js': js(path.join(TAB_DIR, 'tab.js')),
    '/tab/config.js': js(path.join(TAB_DIR, 'config.js')),
    '/tab/tab.css': { file: path.join(TAB_DIR, 'tab.css'), type: 'text/css; charset=utf-8' },
    '/tab/vendor/MicrosoftTeams.min.js': js(teamsJs),
    '/tab/vendor/chart.umd.js': js(chartJs),
    // The tab speaks the reader's language with the bot's own catalogs (src/i18n) and ICU formatter.
    '/tab/vendor/intl-messageformat.js': js(
      path.join(path.dirname(require.resolve('intl-messageformat')), 'intl-messageformat.iife.js'),
    ),
    ...Object.fromEntries(
      SUPPORTED_LOCALES.map((l) => [
        `/tab/locales/${l}.json`,
        { file: path.join(LOCALES_DIR, `${l}.json`), type: 'application/json; charset=utf-8' },
      ]),
    ),
  };
}

async function sendAsset(res: ServerResponse, asset: Asset): Promise<void> {
  let body: Buffer;
  try {
    body = await fs.promises.readFile(asset.file);
  } catch {
    log.error({ file: path.relative(ROOT, asset.file) }, 'tab file missing');
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': body.length,
    'Content-Security-Policy': TAB_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  res.end(body);
}

/**
 * The Cosmos DB client and containers. With no COSMOS_ENDPOINT, an in-process `@vercel/cosmosdb-server` on
 * 127.0.0.1 stands in, and its contents are snapshotted to DATA_DIR (the server keeps everything in memory):
 * written shortly after every change and on shutdown, loaded at boot.
 */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { logger } from '../log';

const log = logger('store:cosmos');

/** Any base64 string: the embedded server does not check keys. */
const EMBEDDED_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export const CONTAINERS = {
  leads: '/id',
  events: '/leadId',
  installs: '/id',
} as const;
export type ContainerName = keyof typeof CONTAINERS;

export interface CosmosOptions {
  endpoint?: string;
  key?: string;
  database: string;
  /** Where the embedded server's snapshot lives; unset means no snapshot (tests). */
  dataDir?: string;
  /** Debounce of snapshot writes after a change. */
  snapshotDelayMs?: number;
}

export interface Cosmos {
  client: CosmosClient;
  database: Database;
  containers: Record<ContainerName, Container>;
  endpoint: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Starts the embedded server alone (tests and bench share one between several bot processes). */
export async function startEmbeddedServer(): Promise<{ endpoint: string; server: http.Server; stop(): Promise<void> }> {
  const { createHttpServer } = await import('@vercel/cosmosdb-server');
  const server = createHttpServer({ keepAlive: true } as http.ServerOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { endpoint: `http://127.0.0.1:${port}`, server, stop };
}

export async function openCosmos(opts: CosmosOptions): Promise<Cosmos> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedServer>> | undefined;
  let endpoint = opts.endpoint;
  if (!endpoint) {
    embedded = await startEmbeddedServer();
    endpoint = embedded.endpoint;
    log.info({ endpoint }, 'embedded Cosmos DB server started (local mode)');
  }
  const client = makeClient(endpoint, embedded ? EMBEDDED_KEY : opts.key);
  const { database } = await client.databases.createIfNotExists({ id: opts.database });
  const containers = {} as Record<ContainerName, Container>;
  for (const [name, pk] of Object.entries(CONTAINERS) as [ContainerName, string][]) {
    const { container } = await database.containers.createIfNotExists({ id: name, partitionKey: { paths: [pk] } });
    containers[name] = container;
  }

  const snapshotFile = embedded && opts.dataDir ? path.join(opts.dataDir, 'cosmos-snapshot.json') : undefined;
  const snapshot = snapshotFile ? new Snapshotter(snapshotFile, containers, opts.snapshotDelayMs ?? 100) : undefined;
  if (snapshot) {
    await snapshot.load();
    embedded!.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.method === 'GET' || req.headers['x-ms-documentdb-isquery'] || req.headers['x-ms-cosmos-is-query-plan-request']) return;
      res.on('finish', () => {
        if (res.statusCode < 300) snapshot.schedule();
      });
    });
  }

  return {
    client,
    database,
    containers,
    endpoint,
    embedded: Boolean(embedded),
    close: async () => {
      await snapshot?.writeNow();
      snapshot?.dispose();
      client.dispose();
      await embedded?.stop();
    },
  };
}

function makeClient(endpoint: string, key: string | undefined): CosmosClient {
  // Plain http (the embedded server) needs endpoint discovery off: the server advertises https.
  const connectionPolicy = endpoint.startsWith('http://') ? { enableEndpointDiscovery: false } : undefined;
  if (key) return new CosmosClient({ endpoint, key, connectionPolicy });
  // A real account without a key: Entra ID (managed identity, az login, …).
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new CosmosClient({ endpoint, aadCredentials: new DefaultAzureCredential(), connectionPolicy });
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

/** Mirrors the embedded server's contents to one JSON file, written atomically (tmp + rename). */
class Snapshotter {
  private timer?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly containers: Record<ContainerName, Container>,
    private readonly delayMs: number,
  ) {}

  async load(): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch {
      log.info('no snapshot yet: starting with an empty store');
      return;
    }
    const data = JSON.parse(text) as { containers: Record<string, Record<string, unknown>[]> };
    let count = 0;
    for (const name of Object.keys(CONTAINERS) as ContainerName[]) {
      const items = data.containers[name] ?? [];
      for (let i = 0; i < items.length; i += 50) {
        await Promise.all(items.slice(i, i + 50).map((item) => this.containers[name].items.upsert(item)));
      }
      count += items.length;
    }
    log.info({ items: count }, 'snapshot loaded');
  }

  schedule(): void {
    this.dirty = true;
    const now = Date.now();
    this.firstChangeAt ??= now;
    if (this.timer) clearTimeout(this.timer);
    // Debounced, but never postponed more than 10 × the delay while changes keep coming.
    const wait = now - this.firstChangeAt > this.delayMs * 10 ? 0 : this.delayMs;
    this.timer = setTimeout(() => void this.writeNow(), wait);
    this.timer.unref();
  }

  writeNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstChangeAt = undefined;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        const out: Record<string, unknown[]> = {};
        for (const name of Object.keys(CONTAINERS) as ContainerName[]) {
          const { resources } = await this.containers[name].items.readAll().fetchAll();
          out[name] = resources.map((r) => {
            const copy: Record<string, unknown> = { ...r };
            for (const f of SYSTEM_FIELDS) delete copy[f];
            return copy;
          });
        }
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await fs.promises.writeFile(tmp, JSON.stringify({ version: 1, writtenAt: new Date().toISOString(), containers: out }));
        await fs.promises.rename(tmp, this.file);
      } catch (err) {
        this.dirty = true;
        log.error({ err: (err as Error).message }, 'snapshot write failed');
      }
    });
    return this.writing;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

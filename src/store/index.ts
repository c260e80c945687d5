/**
 * `openStore` picks the backend: Azure Cosmos DB when COSMOS_ENDPOINT is set, else the embedded SQLite file in
 * DATA_DIR. Callers get the same Store either way; nothing outside src/store knows which one runs.
 */
import path from 'node:path';
import type { BackendName, BulkDocuments, CoordinationDocuments, StoreBackend } from './backend';
import { LeadStore } from './leadStore';
import { InstallStore } from './installStore';
import { EventStore } from './eventStore';
import { StatsStore } from './statsStore';
import { openSqliteBackend } from './sqlite';
import type { WriteCounts } from './sqlite/writeQueue';
import { openCosmosBackend } from './cosmos';

export interface StoreOptions {
  dataDir: string;
  cosmos: { endpoint?: string; key?: string; database: string };
}

export interface Store {
  readonly backend: BackendName;
  readonly location: string;
  readonly leads: LeadStore;
  readonly installs: InstallStore;
  readonly events: EventStore;
  /** The per-day pipeline rollups; every lead write through `leads` records itself here. */
  readonly stats: StatsStore;
  readonly bulk: BulkDocuments;
  /** Heartbeats and send budgets shared by every instance (issue 13; see CoordinationDocuments). */
  readonly coordination: CoordinationDocuments;
  /** SQLite only: a consistent online copy to `file` (Cosmos DB has the account's own continuous backup). */
  readonly backup?: (file: string) => Promise<number>;
  /** SQLite only: durable commits (one fsync each) and the writes they held since the file was opened (group commit). */
  readonly writeCounts?: Readonly<WriteCounts>;
  ping(): Promise<void>;
  /** Whether the store can take writes now (GET /api/ready); see StoreBackend.ready. */
  ready(): Promise<void>;
  /** After an erase: no copy of the overwritten data stays in the store's files (see StoreBackend.purge). */
  purge(): Promise<void>;
  close(): Promise<void>;
}

export const sqliteFile = (dataDir: string) => path.join(dataDir, 'leaddesk.db');

export async function openStore(
  opts: StoreOptions,
  which: BackendName = opts.cosmos.endpoint ? 'cosmos' : 'sqlite',
): Promise<Store> {
  let backend: StoreBackend;
  if (which === 'cosmos') {
    if (!opts.cosmos.endpoint) throw new Error('COSMOS_ENDPOINT is not set');
    backend = await openCosmosBackend({
      endpoint: opts.cosmos.endpoint,
      key: opts.cosmos.key,
      database: opts.cosmos.database,
    });
  } else {
    backend = openSqliteBackend({ file: sqliteFile(opts.dataDir), importFrom: opts.dataDir });
  }
  return fromBackend(backend);
}

function fromBackend(
  backend: StoreBackend & { backup?: (file: string) => Promise<number>; writeCounts?: WriteCounts },
): Store {
  const stats = new StatsStore(backend.stats, (id) => backend.leads.get(id));
  return {
    backend: backend.name,
    location: backend.location,
    // Every lead write (create, update, receive) records the lead in its day's rollup (statsStore.ts) and writes its
    // decision's audit events: in the lead's own transaction on SQLite (leadStore.ts).
    leads: new LeadStore(backend.leads, { stats, events: backend.events }),
    installs: new InstallStore(backend.installs),
    events: new EventStore(backend.events),
    stats,
    bulk: backend.bulk,
    coordination: backend.coordination,
    backup: backend.backup,
    writeCounts: backend.writeCounts,
    ping: () => backend.ping(),
    ready: () => (backend.ready ? backend.ready() : backend.ping()),
    purge: () => backend.purge(),
    close: () => backend.close(),
  };
}

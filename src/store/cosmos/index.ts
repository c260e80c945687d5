/**
 * Azure Cosmos DB backend (`@azure/cosmos`), for teams that run several instances. Containers `leads` (pk /id),
 * `events` (pk /leadId), `installs` (pk /id) and `stats` (pk /id: one pipeline rollup per day), created on first use.
 * Every SDK error leaves this folder as a coded store error: a 404 read is "absent", a 409 create is "exists", a 412
 * replace is a conflict.
 *
 * Queries filter in the WHERE clause only and use no GROUP BY, DISTINCT, OFFSET/LIMIT or LIKE: the test suite runs
 * this backend against the in-process `@vercel/cosmosdb-server`, which lacks them and ignores the partitionKey option.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import type { Lead } from '../../leads/lead';
import type { ChannelRecord, TeamRecord } from '../installStore';
import {
  CONTAINER_NAMES,
  withoutSystemFields,
  type ContainerName,
  type Doc,
  type BulkDocuments,
  type EventDocuments,
  type InstallDocuments,
  type LeadDocuments,
  type StatsDoc,
  type StatsDocuments,
  type StoreBackend,
  type StoredEvent,
} from '../backend';
import { toStoreError } from './errors';
import { openCosmosCoordination } from './coordination';
import { create, query, read, remove, replace } from './requests';

const PARTITION_KEYS: Record<ContainerName, string> = {
  leads: '/id',
  events: '/leadId',
  installs: '/id',
  stats: '/id',
};

export interface CosmosOptions {
  endpoint: string;
  /** Unset: Entra ID through @azure/identity (DefaultAzureCredential). */
  key?: string;
  database: string;
}

export async function openCosmosBackend(opts: CosmosOptions): Promise<StoreBackend> {
  const client = makeClient(opts.endpoint, opts.key);
  const c = {} as Record<ContainerName, Container>;
  let coordination: StoreBackend['coordination'];
  try {
    const { database } = await client.databases.createIfNotExists({ id: opts.database });
    for (const name of CONTAINER_NAMES) {
      const { container } = await database.containers.createIfNotExists({
        id: name,
        partitionKey: { paths: [PARTITION_KEYS[name]] },
      });
      c[name] = container;
    }
    coordination = await openCosmosCoordination(database);
  } catch (err) {
    client.dispose();
    throw toStoreError(err);
  }

  return {
    name: 'cosmos',
    location: `${opts.endpoint.replace(/\/+$/, '')} database ${opts.database}`,
    leads: cosmosLeads(c),
    installs: cosmosInstalls(c),
    events: cosmosEvents(c),
    stats: cosmosStats(c),
    bulk: cosmosBulk(c),
    coordination,
    ping: async () => {
      try {
        await c.leads.read();
      } catch (err) {
        throw toStoreError(err);
      }
    },
    purge: async () => {}, // documents are replaced: no older version stays readable
    close: async () => client.dispose(),
  };
}

function cosmosLeads(c: Record<ContainerName, Container>): LeadDocuments {
  return {
    get: (id) => read<Lead>(c.leads, id),
    create: (lead) => create(c.leads, lead),
    replace: (lead, etag) => replace(c.leads, lead, etag),
    dueForDelivery: (nowIso, limit, dead = []) =>
      dueIds(c.leads, "c.delivery.state = 'pending'", 'delivery', 'nextAttemptAt', { nowIso, limit, dead }),
    dueForFollowUp: (nowIso, limit, dead = []) => dueIds(c.leads, 'true', 'followUp', 'dueAt', { nowIso, limit, dead }),
    dueForCrm: (nowIso, limit, dead = []) =>
      dueIds(c.leads, "c.crm.state = 'pending'", 'crm', 'nextAttemptAt', { nowIso, limit, dead }),
    openOwnedBy: (ownerId, limit) =>
      query<Lead>(
        c.leads,
        "SELECT TOP @limit * FROM c WHERE c.type = 'lead' AND c.owner.id = @owner AND (c.status = 'claimed' OR c.status = 'nurturing')",
        { '@owner': ownerId, '@limit': limit },
      ),
    overdue: (nowIso, limit) =>
      query<Lead>(
        c.leads,
        "SELECT TOP @limit * FROM c WHERE c.type = 'lead' AND (c.followUp.dueAt <= @now OR (c.status = 'new' AND c.sla.claimBy <= @now))",
        { '@now': nowIso, '@limit': limit },
      ),
    all: () => query<Lead>(c.leads, "SELECT * FROM c WHERE c.type = 'lead'"),
    withKeyPrefix: (prefix, limit) => {
      if (!prefix) throw new RangeError('a key prefix must be non-empty text');
      const q = "SELECT TOP @limit * FROM c WHERE c.type = 'lead' AND STARTSWITH(c.dedupeKey, @prefix)";
      return query<Lead>(c.leads, q, { '@prefix': prefix, '@limit': limit });
    },
    closedBefore: (beforeIso, limit) =>
      ids(c.leads, "(c.status = 'qualified' OR c.status = 'rejected')", 'updatedAt', beforeIso, limit),
    testLeadsBefore: (beforeIso, limit) => ids(c.leads, 'c.isTest = true', 'createdAt', beforeIso, limit),
  };
}

function cosmosInstalls(c: Record<ContainerName, Container>): InstallDocuments {
  return {
    get: (id) => read(c.installs, id),
    create: async (doc) => Boolean(await create(c.installs, doc)),
    upsert: async (doc) => {
      try {
        await c.installs.items.upsert(withoutSystemFields(doc));
      } catch (err) {
        throw toStoreError(err);
      }
    },
    remove: (id) => remove(c.installs, id),
    channels: (teamId) =>
      query<ChannelRecord>(
        c.installs,
        `SELECT * FROM c WHERE c.type = 'channel'${teamId ? ' AND c.teamId = @teamId' : ''}`,
        teamId ? { '@teamId': teamId } : {},
      ),
    replace: (doc, etag) => replace(c.installs, doc, etag),
    teams: () => query<TeamRecord>(c.installs, "SELECT * FROM c WHERE c.type = 'team'"),
  };
}

function cosmosEvents(c: Record<ContainerName, Container>): EventDocuments {
  return {
    append: async (event) => {
      if (!(await create(c.events, event)))
        throw toStoreError(Object.assign(new Error('event id exists'), { code: 409 }));
    },
    forLead: async (leadId, limit) =>
      (
        await query<StoredEvent>(c.events, 'SELECT TOP @limit * FROM c WHERE c.leadId = @leadId ORDER BY c.at DESC', {
          '@leadId': leadId,
          '@limit': limit,
        })
      ).map((e) => withoutSystemFields(e)),
    rewrite: async (events) => {
      try {
        await Promise.all(events.map((e) => c.events.items.upsert(withoutSystemFields(e))));
      } catch (err) {
        throw toStoreError(err);
      }
    },
  };
}

function cosmosStats(c: Record<ContainerName, Container>): StatsDocuments {
  return {
    get: <T extends StatsDoc>(id: string) => read<T>(c.stats, id),
    create: (doc) => create(c.stats, doc),
    replace: (doc, etag) => replace(c.stats, doc, etag),
    range: <T extends StatsDoc>(fromId: string, toId: string) =>
      query<T>(c.stats, 'SELECT * FROM c WHERE c.id >= @from AND c.id <= @to ORDER BY c.id ASC', {
        '@from': fromId,
        '@to': toId,
      }),
  };
}

function cosmosBulk(c: Record<ContainerName, Container>): BulkDocuments {
  return {
    count: async (name) => (await query<number>(c[name], 'SELECT VALUE COUNT(1) FROM c'))[0] ?? 0,
    page: async (name, afterId, limit) => {
      const where = afterId === undefined ? '' : ' WHERE c.id > @after';
      const docs = await query<Doc>(c[name], `SELECT TOP @limit * FROM c${where} ORDER BY c.id ASC`, {
        '@limit': limit,
        ...(afterId === undefined ? {} : { '@after': afterId }),
      });
      return docs.map((d) => withoutSystemFields(d));
    },
    put: async (name, docs) => {
      // Upserts in parallel slices: idempotent, so a copy interrupted half-way can simply be run again.
      for (let i = 0; i < docs.length; i += 50) {
        const slice = docs.slice(i, i + 50);
        try {
          await Promise.all(slice.map((d) => c[name].items.upsert(withoutSystemFields(d))));
        } catch (err) {
          throw toStoreError(err);
        }
      }
    },
  };
}

/**
 * Ids of leads whose `part` (delivery, follow-up, CRM handoff) is due and, where `where` holds, not leased by a live
 * worker: no lease, one that ran out, or one held by a `dead` instance. Oldest due first.
 */
async function dueIds(
  c: Container,
  where: string,
  part: 'delivery' | 'followUp' | 'crm',
  dueField: string,
  at: { nowIso: string; limit: number; dead: readonly string[] },
): Promise<string[]> {
  const due = `c.${part}.${dueField}`;
  const lease = `c.${part}.lease`;
  const q =
    `SELECT TOP @limit c.id FROM c WHERE c.type = 'lead' AND ${where} AND ${due} <= @now ` +
    `AND (NOT IS_DEFINED(${lease}) OR ${lease}.until <= @now OR ARRAY_CONTAINS(@dead, ${lease}.owner)) ORDER BY ${due} ASC`;
  const rows = await query<{ id: string }>(c, q, { '@limit': at.limit, '@now': at.nowIso, '@dead': at.dead });
  return rows.map((r) => r.id);
}

/** Ids of leads not yet erased matching `where` whose `field` is before `beforeIso`, oldest first (retention). */
async function ids(c: Container, where: string, field: string, beforeIso: string, limit: number): Promise<string[]> {
  const q = `SELECT TOP @limit c.id FROM c WHERE c.type = 'lead' AND ${where} AND NOT IS_DEFINED(c.erasedAt) AND c.${field} < @before ORDER BY c.${field} ASC`;
  return (await query<{ id: string }>(c, q, { '@before': beforeIso, '@limit': limit })).map((r) => r.id);
}

function makeClient(endpoint: string, key: string | undefined): CosmosClient {
  // Plain http (the local test server) needs endpoint discovery off: that server advertises https.
  const connectionPolicy = endpoint.startsWith('http://') ? { enableEndpointDiscovery: false } : undefined;
  if (key) return new CosmosClient({ endpoint, key, connectionPolicy });
  // A real account without a key: Entra ID (managed identity, az login, …).
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new CosmosClient({ endpoint, aadCredentials: new DefaultAzureCredential(), connectionPolicy });
}

/**
 * The coordination documents on Cosmos DB (heartbeats, send budgets; see CoordinationDocuments in backend.ts): the
 * `coordination` container, pk /id, so every read and conditional write is a point operation (about 1 RU to read,
 * 6–10 RU to write a document this small). Listing one kind is a small cross-partition query.
 */
import type { Container, Database } from '@azure/cosmos';
import { withoutSystemFields, type CoordinationDoc, type CoordinationDocuments } from '../backend';
import { statusOf, toStoreError } from './errors';

const COORDINATION_CONTAINER = 'coordination';

export async function openCosmosCoordination(database: Database): Promise<CoordinationDocuments> {
  const { container } = await database.containers.createIfNotExists({
    id: COORDINATION_CONTAINER,
    partitionKey: { paths: ['/id'] },
  });
  return cosmosCoordination(container);
}

function cosmosCoordination(c: Container): CoordinationDocuments {
  const call = async <T>(fn: () => Promise<T>, absent: number[] = []): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (absent.includes(statusOf(err) ?? 0)) return undefined;
      throw toStoreError(err);
    }
  };
  return {
    get: <T extends CoordinationDoc>(id: string) =>
      call(async () => ((await c.item(id, id).read<T>()).resource as T | undefined) ?? undefined, [404]),
    create: <T extends CoordinationDoc>(doc: T) =>
      call(async () => (await c.items.create<T>(withoutSystemFields(doc))).resource as T, [409]),
    replace: <T extends CoordinationDoc>(doc: T, etag: string) =>
      call(
        async () =>
          (
            await c
              .item(doc.id, doc.id)
              .replace<T>(withoutSystemFields(doc), { accessCondition: { type: 'IfMatch', condition: etag } })
          ).resource as T,
        [404, 412],
      ),
    list: async <T extends CoordinationDoc>(kind: CoordinationDoc['kind']) =>
      (await call(async () => {
        const q = { query: 'SELECT * FROM c WHERE c.kind = @kind', parameters: [{ name: '@kind', value: kind }] };
        return (await c.items.query<T>(q).fetchAll()).resources;
      })) ?? [],
    remove: async (id: string) => {
      await call(() => c.item(id, id).delete(), [404]);
    },
  };
}

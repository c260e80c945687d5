/**
 * The coordination documents on Cosmos DB (heartbeats, send budgets; see CoordinationDocuments in backend.ts): the
 * `coordination` container, pk /id, so every read and conditional write is a point operation (by Cosmos DB's published
 * figures about 1 RU to read and 5–10 RU to write a document this small; not measured here). Listing one kind is a
 * small cross-partition query.
 */
import type { Container, Database } from '@azure/cosmos';
import type { CoordinationDoc, CoordinationDocuments } from '../backend';
import { create, query, read, remove, replace } from './requests';

const COORDINATION_CONTAINER = 'coordination';

export async function openCosmosCoordination(database: Database): Promise<CoordinationDocuments> {
  const { container } = await database.containers.createIfNotExists({
    id: COORDINATION_CONTAINER,
    partitionKey: { paths: ['/id'] },
  });
  return cosmosCoordination(container);
}

function cosmosCoordination(c: Container): CoordinationDocuments {
  return {
    get: <T extends CoordinationDoc>(id: string) => read<T>(c, id),
    create: (doc) => create(c, doc),
    replace: (doc, etag) => replace(c, doc, etag),
    list: <T extends CoordinationDoc>(kind: CoordinationDoc['kind']) =>
      query<T>(c, 'SELECT * FROM c WHERE c.kind = @kind', { '@kind': kind }),
    remove: (id) => remove(c, id),
  };
}

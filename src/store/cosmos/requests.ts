/**
 * The Cosmos DB requests every part of the backend is built from: a query, and the point read, create, conditional
 * replace and delete of one document (pk = id unless said). SDK errors leave as coded store errors; a 404 read is
 * "absent", a 409 create "exists", a 412 (or 404) replace a conflict.
 */
import type { Container } from '@azure/cosmos';
import { withoutSystemFields } from '../backend';
import { statusOf, toStoreError } from './errors';

export async function query<T>(container: Container, q: string, params: Record<string, unknown> = {}): Promise<T[]> {
  try {
    const parameters = Object.entries(params).map(([name, value]) => ({ name, value: value as string }));
    const { resources } = await container.items.query<T>({ query: q, parameters }).fetchAll();
    return resources;
  } catch (err) {
    throw toStoreError(err);
  }
}
export async function read<T>(container: Container, id: string, pk: string = id): Promise<T | undefined> {
  try {
    const { resource } = await container.item(id, pk).read();
    return (resource as T | undefined) ?? undefined;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw toStoreError(err);
  }
}
export async function create<T extends { id: string }>(container: Container, doc: T): Promise<T | undefined> {
  try {
    const { resource } = await container.items.create<T>(withoutSystemFields(doc));
    return resource as T;
  } catch (err) {
    if (statusOf(err) === 409) return undefined;
    throw toStoreError(err);
  }
}
/** Replace if the stored etag is still `etag` (IfMatch); a 412 (or a 404: nothing to replace) is a conflict, undefined. */
export async function replace<T extends { id: string }>(
  container: Container,
  doc: T,
  etag: string,
): Promise<T | undefined> {
  try {
    const { resource } = await container
      .item(doc.id, doc.id)
      .replace<T>(withoutSystemFields(doc), { accessCondition: { type: 'IfMatch', condition: etag } });
    return resource as T;
  } catch (err) {
    if (statusOf(err) === 412 || statusOf(err) === 404) return undefined;
    throw toStoreError(err);
  }
}

/** Deleting what is not there is not an error. */
export async function remove(container: Container, id: string): Promise<void> {
  try {
    await container.item(id, id).delete();
  } catch (err) {
    if (statusOf(err) !== 404) throw toStoreError(err);
  }
}

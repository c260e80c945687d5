/** Heartbeats and send budgets: documents every instance reads and takes by etag compare-and-set. */
import assert from 'node:assert/strict';
import type { CoordinationDoc } from '../../../src/store/backend';
import { useStores, type StoreFactory } from './context';

interface Beat extends CoordinationDoc {
  beatAt: number;
}

const beat = (id: string, beatAt: number): Beat => ({ id: `instance:${id}`, kind: 'instance', beatAt });

export function coordinationDocuments(factory: StoreFactory): void {
  const stores = useStores(factory);

  it('a document is created once, read back with its etag, and listed by kind', async () => {
    const c = stores.store.coordination;
    const made = await c.create(beat('a', 1));
    assert.ok(made?._etag);
    assert.equal(await c.create(beat('a', 2)), undefined, 'a second create of the same id is refused');
    await c.create({ id: 'budget:19:x', kind: 'budget' });
    const read = await c.get<Beat>('instance:a');
    assert.equal(read?.beatAt, 1);
    assert.deepEqual(
      (await c.list<Beat>('instance')).map((d) => d.id),
      ['instance:a'],
    );
  });

  it('two instances taking the same document: the second write with a stale etag is a conflict', async () => {
    const one = stores.store.coordination;
    const two = (await stores.another()).coordination;
    const made = await one.create(beat('a', 1));
    const first = await one.replace({ ...beat('a', 2) }, made!._etag!);
    assert.ok(first?._etag);
    assert.equal(await two.replace({ ...beat('a', 3) }, made!._etag!), undefined);
    assert.equal((await two.get<Beat>('instance:a'))?.beatAt, 2);
  });

  it('a removed document is gone, and removing it again is not an error', async () => {
    const c = stores.store.coordination;
    await c.create(beat('a', 1));
    await c.remove('instance:a');
    await c.remove('instance:a');
    assert.equal(await c.get('instance:a'), undefined);
    assert.deepEqual(await c.list('instance'), []);
  });
}

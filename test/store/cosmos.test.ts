/**
 * The Azure Cosmos DB backend against the in-process Cosmos protocol server: the store contract (a fresh database
 * per test; more clients on it for more processes), plus the 412 mapping only Cosmos has.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openStore } from '../../src/store';
import { openCosmosBackend } from '../../src/store/cosmos';
import { startCosmosServer, type LocalCosmos } from '../support/cosmosServer';
import { tempDir } from '../support/harness';
import { storeContract } from './contract';
import { leadOf } from './contract/context';

describe('the Cosmos DB backend', () => {
  let cosmos: LocalCosmos;
  let dataDir: string;
  let databases = 0;
  const freshDatabase = () => `contract-${process.pid}-${++databases}`;
  before(async () => {
    cosmos = await startCosmosServer();
    dataDir = tempDir();
  });
  after(async () => {
    await cosmos.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  storeContract('Cosmos DB', async () => {
    const database = freshDatabase();
    return {
      open: () => openStore({ dataDir, cosmos: { endpoint: cosmos.endpoint, key: cosmos.key, database } }, 'cosmos'),
      cleanup: async () => {},
    };
  });

  describe('leads.replace', () => {
    it('answers a replace with a stale etag as a conflict (undefined), not an error, and keeps the newer write', async () => {
      const backend = await openCosmosBackend({
        endpoint: cosmos.endpoint,
        key: cosmos.key,
        database: freshDatabase(),
      });
      try {
        const created = (await backend.leads.create(leadOf(1)))!;
        const first = await backend.leads.replace({ ...created, rev: 2 }, created._etag!);
        assert.ok(first?._etag && first._etag !== created._etag, 'the first replace writes and gets a new etag');
        assert.equal(await backend.leads.replace({ ...created, rev: 3 }, created._etag!), undefined);
        assert.equal((await backend.leads.get(created.id))?.rev, 2);
      } finally {
        await backend.close();
      }
    });

    it('answers a replace of a lead that does not exist as a conflict (undefined), not an error', async () => {
      const backend = await openCosmosBackend({
        endpoint: cosmos.endpoint,
        key: cosmos.key,
        database: freshDatabase(),
      });
      try {
        assert.equal(await backend.leads.replace(leadOf(1), '"some-etag"'), undefined);
      } finally {
        await backend.close();
      }
    });
  });
});

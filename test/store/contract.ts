/**
 * The store contract, once for every backend (docs/ARCHITECTURE.md, "Add a store backend"): `sqlite.test.ts` and `cosmos.test.ts` each call
 * `storeContract` with a factory for a fresh, empty place to keep data. Only `Store` from src/store is used, never a
 * backend's internals, so a backend that behaves differently from the others fails the same test.
 *
 * The factory's `open()` may be called several times for several Store instances on the same data, as two bot
 * processes sharing a store have them: two connections to one SQLite file, two clients on one Cosmos database.
 */
import { leadDocuments } from './contract/leads';
import { concurrentWrites } from './contract/concurrency';
import { deliveryQueue } from './contract/delivery';
import { followUpQueries } from './contract/followUps';
import { installRecords } from './contract/installs';
import { eventTrail } from './contract/events';
import { bulkDocuments } from './contract/bulk';
import { statsRollups } from './contract/stats';
import { personalDataQueries } from './contract/personalData';
import { userPrefsRecords } from './contract/userPrefs';
import { teamManagerRecords } from './contract/teamManagers';
import { coordinationDocuments } from './contract/coordination';
import { crmQueue } from './contract/crm';
import type { StoreFactory } from './contract/context';

export type { StoreFactory } from './contract/context';

export function storeContract(backendName: string, factory: StoreFactory): void {
  describe(`the store contract on ${backendName}`, () => {
    describe('leads', () => leadDocuments(factory));
    describe('concurrent writers', () => concurrentWrites(factory));
    describe('delivery queue', () => deliveryQueue(factory));
    describe('follow-ups, mine and stale', () => followUpQueries(factory));
    describe('installs', () => installRecords(factory));
    describe('events', () => eventTrail(factory));
    describe('bulk', () => bulkDocuments(factory));
    describe('pipeline rollups', () => statsRollups(factory));
    describe('personal data', () => personalDataQueries(factory));
    describe('user locale and time zone', () => userPrefsRecords(factory));
    describe('team managers', () => teamManagerRecords(factory));
    describe('coordination between instances', () => coordinationDocuments(factory));
    describe('CRM handoff queue', () => crmQueue(factory));
  });
}

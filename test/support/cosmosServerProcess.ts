/**
 * The Cosmos test server in a process of its own: `node --import tsx test/support/cosmosServerProcess.ts` prints
 * `listening <port>` and serves until killed. The fleet tests use it so that the store's work does not share an event
 * loop with the local Teams channel, whose arrival times the tests check against Teams' windows.
 */
import { startCosmosServer } from './cosmosServer';

void startCosmosServer().then((s) => process.stdout.write(`listening ${new URL(s.endpoint).port}\n`));

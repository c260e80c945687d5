/**
 * The in-process Cosmos DB protocol server (`@vercel/cosmosdb-server`) that the Cosmos backend is tested against,
 * on 127.0.0.1 over plain http. Small data only: it runs every query over every document.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Any base64 string: the local server does not check keys. */
export const LOCAL_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmos {
  endpoint: string;
  key: string;
  server: http.Server;
  stop(): Promise<void>;
}

/** On `port` when given (a bot may be pointed at it before it listens), else on any free port. */
export async function startCosmosServer(port = 0): Promise<LocalCosmos> {
  const { createHttpServer } = await import('@vercel/cosmosdb-server');
  // keepAlive: by default the server answers "Connection: close", a new connection per request.
  const server = createHttpServer({ keepAlive: true } as http.ServerOptions);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const stop = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { endpoint: `http://127.0.0.1:${address.port}`, key: LOCAL_COSMOS_KEY, server, stop };
}

let shared: Promise<LocalCosmos> | undefined;

/** One server for the whole test run (mocha exits when the run ends). */
export function sharedCosmosServer(): Promise<LocalCosmos> {
  shared ??= startCosmosServer().then((s) => {
    s.server.unref();
    return s;
  });
  return shared;
}

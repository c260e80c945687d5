/** What the CRM stand-ins share: a server on a free port of 127.0.0.1, its address, and closing it. */
import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';

type Server = http.Server | https.Server;

/** Listens on a free port of 127.0.0.1; answers the server once it does. */
export async function listenLocal<S extends Server>(server: S): Promise<S> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** `<scheme>://127.0.0.1:<port>` of a listening server. */
export function localUrl(server: Server | undefined, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** Closes the server, if it was started, and every connection still open. */
export async function closeLocal(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
}

/**
 * Preload (`node -r ./force-loopback.cjs`) that makes every server in the process listen on 127.0.0.1 unless it
 * names a host itself. The Agents Playground calls `server.listen(port)` with no host (so it would bind 0.0.0.0 /
 * all interfaces) and has no host flag; this keeps it on loopback.
 */
'use strict';
const net = require('node:net');

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    // listen(port[, host][, backlog][, cb]): insert the host when it is missing.
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (
    args[0] &&
    typeof args[0] === 'object' &&
    !('path' in args[0]) &&
    !('fd' in args[0]) &&
    !('_handle' in args[0]) &&
    !args[0].host
  ) {
    // listen({ port }) form.
    args[0] = { ...args[0], host: '127.0.0.1' };
  } else if (args.length === 0 || typeof args[0] === 'function' || args[0] === undefined || args[0] === null) {
    // listen() / listen(cb): a random port on all interfaces otherwise.
    const rest = args[0] === undefined || args[0] === null ? args.slice(1) : args;
    args = [0, '127.0.0.1', ...rest];
  }
  return originalListen.apply(this, args);
};

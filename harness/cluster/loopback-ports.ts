// The loopback ports a cluster's components listen on when it is given none (the store, the API
// server, the health ports of the controllers), chosen from a slot of ports of the cluster's own.
//
// A port the kernel hands out for port 0 comes from its ephemeral range, which is also where every
// outgoing connection's local port comes from. Between the moment a plan picks a port and the
// moment its component listens on it, a connection of anyone on the machine may take it: with two
// clusters starting side by side (the end-to-end suites), one of them then fails with "the port is
// already in use". So a cluster's ports come from below the ephemeral range (32768 and up on
// Linux, 49152 and up on macOS), in a slot of SLOT ports keyed by its node index base, which the
// end-to-end suites keep distinct (suiteNodeIndexBase): two clusters never pick the same port, and
// no connection takes one. A port someone else already listens on is skipped.
import net from 'node:net';

/** Whether nothing listens on host:port; port 0 is always free. */
export function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** `port`, or for 0 a port free on `host` now (0 again when nothing can listen there). */
export function choosePort(host: string, port: number): Promise<number> {
  if (port !== 0) return Promise.resolve(port);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(0));
    server.listen(0, host, () => {
      const chosen = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(chosen));
    });
  });
}

/** Where the slots begin, and how many ports each cluster's slot holds. */
const FIRST = 20_000;
const SLOT = 40;

/** The ports handed out so far, per cluster plan (its options object), so none is given twice. */
const taken = new WeakMap<object, Set<number>>();

/** The first port of the slot of the cluster whose nodes start at `nodeIndexBase` (0 to 255). */
export function slotStart(nodeIndexBase: number): number {
  return FIRST + (nodeIndexBase % 256) * SLOT;
}

/**
 * A free 127.0.0.1 port from the cluster's slot, not handed out before for the same `plan` (the
 * cluster's options object); 0 when the whole slot is busy (the caller asks the kernel then).
 */
export async function loopbackPort(plan: { nodeIndexBase: number }): Promise<number> {
  const handedOut = taken.get(plan) ?? new Set<number>();
  taken.set(plan, handedOut);
  const start = slotStart(plan.nodeIndexBase);
  for (let port = start; port < start + SLOT; port++) {
    if (handedOut.has(port) || !(await portFree('127.0.0.1', port))) continue;
    handedOut.add(port);
    return port;
  }
  return 0;
}

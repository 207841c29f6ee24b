// A free loopback port for a server a test starts later (a store member, a real etcd), when the
// port must be known before the server listens: a member's peers are named in --initial-cluster.
//
// A port the kernel hands out for port 0 comes from its ephemeral range (32768 and up on Linux),
// where every outgoing connection's local port comes from too. Between the moment a test picks such
// a port and the moment its server listens, a connection of anyone on the machine may take it; with
// the harness's end-to-end suites running beside the chapters' checks, that happens ("listen
// EADDRINUSE"). So the port comes from below that range, and above the slots the clusters of the
// end-to-end suites take theirs from (harness/cluster/loopback-ports.ts, 20000 up): chosen at
// random among 7000, so that tests in other processes rarely meet, then probed; never handed out
// twice by one process.
import { portFree } from '../cluster/loopback-ports.ts';

const FIRST = 12_000;
const COUNT = 7_000;

/** The ports this process handed out already. */
const handedOut = new Set<number>();

/** A 127.0.0.1 port nobody listens on now, from 12000 to 18999. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (handedOut.has(port) || !(await portFree('127.0.0.1', port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free loopback port among ${FIRST} to ${FIRST + COUNT - 1}`);
}

// The store server: chapter 01's store behind etcd 3.4's own JSON API, on node:http.
//
// etcd serves gRPC on its client port (2379) and, beside it, a *gateway* that takes the same calls
// as JSON over plain HTTP: POST /v3/kv/put with {"key":"Zm9v","value":"YmFy"} is the gRPC call
// KV.Put. Speaking that API exactly means anything written against etcd's JSON API (curl, our
// client, the API server of chapter 03) runs unchanged against the kata store, and the other way
// round. The rules are in the fact sheet (part A); codec.ts does the JSON.
//
// Two kinds of endpoint:
//   - unary: one JSON request, one JSON answer (put, range, txn, lease grant, ...);
//   - streams: the request body is a series of JSON messages and the answer a series of
//     {"result":...} lines on one long response (watch, lease keep-alive).
// Every answer waits until what it tells the client is on disk (durable-store.ts), when the store
// is durable. No request, however malformed, crashes the server or changes data when it fails.
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { MvccStore } from '../../harness/store/types.ts';
import type { Durability } from './durable-store.ts';

export interface StoreServerOptions {
  store: MvccStore;
  /** When the store is durable: answers wait for the disk. Absent: the store lives in memory. */
  durability?: Durability;
  /** The member's name (etcd's --name); the cluster and member IDs are derived from it. */
  name?: string;
  /** etcd's --max-request-bytes: the largest request, counted in key and value bytes. 1.5 MiB. */
  maxRequestBytes?: number;
  /** How often expired leases are revoked. etcd's lessor checks every 500 ms. */
  leaseExpiryIntervalMs?: number;
  /** How often a watch with progress_notify hears the current revision. etcd: 10 minutes. */
  progressNotifyIntervalMs?: number;
}

export interface StoreServer {
  /**
   * Starts listening on one address (port 0 picks a free one) and resolves with the URL clients
   * use. Call it once per address, as etcd listens on every URL of --listen-client-urls.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops listening, ends open streams and the lease timer. */
  close(): Promise<void>;
}

/** What GET /version reports: the etcd API this server speaks. */
export const VERSION = { etcdserver: '3.4.0', etcdcluster: '3.4.0' };

/**
 * Builds the server. Nothing listens until `listen` is called. What it must do, section by section
 * of the lesson:
 *   - § The gateway: POST /v3/kv/{range,put,deleterange,txn,compaction}, /v3/lease/{grant,revoke,
 *     timetolive,leases} and their /v3/kv/lease/ aliases; /v3beta/ means /v3/; GET /health and
 *     GET /version. Decode with codec.ts, call the store, answer 200 with the encoded response,
 *     whose header carries cluster_id, member_id, revision and raft_term.
 *   - § Errors: etcd's error body {"error","message","code"} with the HTTP status of the gRPC code;
 *     405 and 404 in plain text; bodies over the limit refused; a rejected request changes nothing.
 *   - § Watch streams and § Leases: POST /v3/watch and /v3/lease/keepalive, a series of
 *     {"result":...} lines; a timer calling store.expireLeases().
 *   - § Durability: with `durability`, nothing goes out before the disk holds what it reports.
 */
export function createStoreServer(options: StoreServerOptions): StoreServer {
  throw new NotImplemented('createStoreServer', '§ The gateway');
}

// etcd's KV, Lease, Cluster and Maintenance services over gRPC, on chapter 01's store.
//
// gRPC does the framing: a handler receives a decoded request and answers with a plain object,
// or fails the call with a status. What is left is etcd's behaviour: call the store, wait for the
// disk when the store is durable (an answer never tells a client about a change that could still
// be lost), and fail with etcd's own gRPC code and message, which clients match on. The Watch
// service, a stream of its own, is in watch.ts.
import { NotImplemented } from '../../harness/not-implemented.ts';
import { crc32 } from 'node:zlib';
import type * as grpc from '@grpc/grpc-js';
import type { Durability } from '../../harness/contracts/store-server.ts';
import { StoreError } from '../../harness/store/errors.ts';
import type { ProtoMessage } from '../../harness/store/grpc.ts';
import type { MvccStore } from '../../harness/store/types.ts';
import {
  deleteRangeRequestOf,
  headerMessage,
  idOf,
  keyValueMessage,
  numberOf,
  putRequestOf,
  rangeRequestOf,
  txnRequestOf,
  txnResponseMessage,
  rangeResponseMessage,
  type Member,
} from './messages.ts';
import { writeSnapshotFile } from './snapshot-file.ts';

/** What every service needs: the store, the disk, who this member is, and where to log. */
export interface ServiceState {
  store: MvccStore;
  durability: Durability | undefined;
  member: Member;
  /** etcd's --name. */
  name: string;
  clientUrls: string[];
  peerUrls: string[];
  /** How often a watch with progress_notify hears the current revision. */
  progressNotifyIntervalMs: number;
  /** The alarms raised on this member (Maintenance.Alarm), as "memberID:alarm". */
  alarms: Set<string>;
  log(line: string): void;
}

/** What etcd's API version this server reports (Maintenance.Status). */
export const SERVER_VERSION = '3.4.0';

// ---------------------------------------------------------------------------------------------
// § Errors

/** gRPC's Internal: a bug in the server or the store, never the client's mistake. */
const INTERNAL = 13;

/**
 * The status a failed call ends with: a StoreError keeps its gRPC code and etcd's message, which
 * clients such as etcdctl match on word for word; anything else is Internal.
 */
export function statusOf(error: unknown): Partial<grpc.StatusObject> {
  throw new NotImplemented('statusOf', '§ The KV service');
}

/**
 * A unary call: `serve` answers it from the store; the answer goes out once the disk has it. A
 * throw, or a failed disk, fails the call with its status.
 */
export function unaryCall(
  state: ServiceState,
  serve: (request: ProtoMessage) => ProtoMessage,
): grpc.handleUnaryCall<ProtoMessage, ProtoMessage> {
  throw new NotImplemented('unaryCall', '§ The KV service');
}

// ---------------------------------------------------------------------------------------------
// § The KV service

export function kvService(state: ServiceState): grpc.UntypedServiceImplementation {
  throw new NotImplemented('kvService', '§ The KV service');
}

// ---------------------------------------------------------------------------------------------
// § The Lease service

export function leaseService(state: ServiceState): grpc.UntypedServiceImplementation {
  throw new NotImplemented('leaseService', '§ The Lease service');
}

// ---------------------------------------------------------------------------------------------
// § Cluster and Maintenance

export function clusterService(state: ServiceState): grpc.UntypedServiceImplementation {
  throw new NotImplemented('clusterService', '§ Cluster and Maintenance');
}

/**
 * A hash of the keys and values live at `revision`, so two members (or a member before and after
 * a restart) can be compared. etcd hashes its whole database file; the kata store, which has none,
 * hashes each key with its value and revisions.
 */
export function hashAt(store: MvccStore, revision: number): number {
  throw new NotImplemented('hashAt', '§ Cluster and Maintenance');
}

/** The snapshot stream sends the file in pieces of this many bytes, as etcd does. */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

export function maintenanceService(state: ServiceState): grpc.UntypedServiceImplementation {
  throw new NotImplemented('maintenanceService', '§ Cluster and Maintenance');
}

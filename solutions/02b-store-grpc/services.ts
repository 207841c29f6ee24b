// etcd's KV, Lease, Cluster and Maintenance services over gRPC, on chapter 01's store.
//
// gRPC does the framing: a handler receives a decoded request and answers with a plain object,
// or fails the call with a status. What is left is etcd's behaviour: call the store, wait for the
// disk when the store is durable (an answer never tells a client about a change that could still
// be lost), and fail with etcd's own gRPC code and message, which clients match on. The Watch
// service, a stream of its own, is in watch.ts.
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
  if (error instanceof StoreError) return { code: error.code, details: error.message };
  return { code: INTERNAL, details: `internal error: ${(error as Error)?.message ?? error}` };
}

/**
 * A unary call: `serve` answers it from the store; the answer goes out once the disk has it. A
 * throw, or a failed disk, fails the call with its status.
 */
export function unaryCall(
  state: ServiceState,
  serve: (request: ProtoMessage) => ProtoMessage,
): grpc.handleUnaryCall<ProtoMessage, ProtoMessage> {
  return (call, callback) => {
    let answer: ProtoMessage;
    try {
      answer = serve(call.request);
    } catch (error) {
      return callback(statusOf(error));
    }
    if (!state.durability) return callback(null, answer);
    state.durability.synced().then(
      () => callback(null, answer),
      (error: unknown) => callback(statusOf(error)),
    );
  };
}

// ---------------------------------------------------------------------------------------------
// § The KV service

export function kvService(state: ServiceState): grpc.UntypedServiceImplementation {
  const { store } = state;
  const header = (revision: number) => headerMessage(state.member, revision);
  return {
    Range: unaryCall(state, (request) => {
      const response = store.range(rangeRequestOf(request));
      return rangeResponseMessage(response, header(response.header.revision));
    }),
    Put: unaryCall(state, (request) => {
      const response = store.put(putRequestOf(request));
      const message: ProtoMessage = { header: header(response.header.revision) };
      if (response.prevKv) message.prevKv = keyValueMessage(response.prevKv);
      return message;
    }),
    DeleteRange: unaryCall(state, (request) => {
      const response = store.deleteRange(deleteRangeRequestOf(request));
      return {
        header: header(response.header.revision),
        deleted: response.deleted,
        prevKvs: response.prevKvs.map(keyValueMessage),
      };
    }),
    Txn: unaryCall(state, (request) => {
      const response = store.txn(txnRequestOf(request));
      return txnResponseMessage(response, header(response.header.revision));
    }),
    Compact: unaryCall(state, (request) => {
      const response = store.compact({ revision: numberOf(request.revision) });
      return { header: header(response.header.revision) };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// § The Lease service

export function leaseService(state: ServiceState): grpc.UntypedServiceImplementation {
  const { store } = state;
  const header = (revision: number) => headerMessage(state.member, revision);
  return {
    LeaseGrant: unaryCall(state, (request) => {
      const granted = store.leaseGrant({ ttl: numberOf(request.TTL), id: idOf(request.ID) });
      return { header: header(granted.header.revision), ID: String(granted.id), TTL: granted.ttl };
    }),
    LeaseRevoke: unaryCall(state, (request) => {
      const revoked = store.leaseRevoke(idOf(request.ID));
      return { header: header(revoked.header.revision) };
    }),
    LeaseTimeToLive: unaryCall(state, (request) => {
      const lease = store.leaseTimeToLive(idOf(request.ID), { keys: request.keys ?? false });
      return {
        header: header(lease.header.revision),
        ID: String(lease.id),
        TTL: lease.ttl,
        grantedTTL: lease.grantedTtl,
        keys: lease.keys,
      };
    }),
    LeaseLeases: unaryCall(state, () => {
      const { header: at, leases } = store.leases();
      return { header: header(at.revision), leases: leases.map((id) => ({ ID: String(id) })) };
    }),
    LeaseKeepAlive: keepAlive(state),
  };
}

/**
 * LeaseKeepAlive: a stream on which each request renews one lease and is answered with its new
 * TTL (0 when the lease is gone, which is an answer, not an error). It ends when the client ends.
 */
function keepAlive(state: ServiceState): grpc.handleBidiStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    call.on('data', (request: ProtoMessage) => {
      try {
        const renewed = state.store.leaseKeepAlive(idOf(request.ID));
        const header = headerMessage(state.member, renewed.header.revision);
        call.write({ header, ID: String(renewed.id), TTL: renewed.ttl });
      } catch (error) {
        call.emit('error', statusOf(error));
      }
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined); // the client went away; nothing to clean up
  };
}

// ---------------------------------------------------------------------------------------------
// § Cluster and Maintenance

export function clusterService(state: ServiceState): grpc.UntypedServiceImplementation {
  return {
    MemberList: unaryCall(state, () => ({
      header: headerMessage(state.member, state.store.revision),
      members: [
        {
          ID: String(state.member.memberId),
          name: state.name,
          peerURLs: state.peerUrls,
          clientURLs: state.clientUrls,
        },
      ],
    })),
  };
}

/**
 * A hash of the keys and values live at `revision`, so two members (or a member before and after
 * a restart) can be compared. etcd hashes its whole database file; the kata store, which has none,
 * hashes each key with its value and revisions.
 */
export function hashAt(store: MvccStore, revision: number): number {
  const all = new Uint8Array([0]);
  const { kvs } = store.range({ key: all, rangeEnd: all, revision });
  let hash = 0;
  for (const kv of kvs) {
    hash = crc32(kv.key, hash);
    hash = crc32(kv.value, hash);
    hash = crc32(`${kv.createRevision}/${kv.modRevision}/${kv.version}/${kv.lease}`, hash);
  }
  return hash;
}

/**
 * What Status reports as the database size: the bytes of every key and value the store keeps,
 * history included (etcd reports the size of its database file, which the kata store has not).
 */
function storedBytes(store: MvccStore): number {
  const { base, changes } = store.snapshot();
  let bytes = 0;
  for (const kv of base) bytes += kv.key.length + kv.value.length;
  for (const { events } of changes) {
    for (const { kv } of events) bytes += kv.key.length + kv.value.length;
  }
  return bytes;
}

/** The snapshot stream sends the file in pieces of this many bytes, as etcd does. */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

export function maintenanceService(state: ServiceState): grpc.UntypedServiceImplementation {
  const { store } = state;
  const header = (revision: number) => headerMessage(state.member, revision);
  return {
    Status: unaryCall(state, () => {
      const revision = store.revision;
      const dbSize = storedBytes(store);
      const memberId = String(state.member.memberId);
      return {
        header: header(revision),
        version: SERVER_VERSION,
        dbSize,
        leader: memberId,
        raftIndex: revision,
        raftTerm: 1,
        raftAppliedIndex: revision,
        dbSizeInUse: dbSize,
      };
    }),
    Defragment: unaryCall(state, () => {
      state.log('defragment: nothing to do, the kata store keeps no database file with free pages');
      return { header: header(store.revision) };
    }),
    HashKV: unaryCall(state, (request) => {
      const revision = numberOf(request.revision) || store.revision;
      const hash = hashAt(store, revision);
      return { header: header(store.revision), hash, compactRevision: store.compactRevision };
    }),
    Alarm: unaryCall(state, (request) => alarm(state, request)),
    Snapshot: snapshot(state),
  };
}

/** Alarm: GET lists the raised alarms, ACTIVATE raises one, DEACTIVATE clears it. */
function alarm(state: ServiceState, request: ProtoMessage): ProtoMessage {
  const memberId = String(state.member.memberId);
  const kind = request.alarm ?? 'NONE';
  if (request.action === 'ACTIVATE' && kind !== 'NONE') state.alarms.add(`${memberId}:${kind}`);
  if (request.action === 'DEACTIVATE') state.alarms.delete(`${memberId}:${kind}`);
  const alarms = [...state.alarms].map((entry) => {
    const [member, type] = entry.split(':');
    return { memberID: member, alarm: type };
  });
  return { header: headerMessage(state.member, state.store.revision), alarms };
}

/**
 * Snapshot: the whole store as a kata snapshot file (snapshot-file.ts), once what it holds is on
 * disk, sent in pieces that each say how many bytes are still to come.
 */
function snapshot(state: ServiceState): grpc.handleServerStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    const revision = state.store.revision;
    const file = writeSnapshotFile(state.store.snapshot());
    const send = () => {
      const header = headerMessage(state.member, revision);
      for (let at = 0; at < file.length; at += SNAPSHOT_CHUNK_BYTES) {
        const blob = file.subarray(at, at + SNAPSHOT_CHUNK_BYTES);
        call.write({ header, remainingBytes: file.length - at - blob.length, blob });
      }
      call.end();
    };
    if (!state.durability) return send();
    state.durability.synced().then(send, (error: unknown) => call.emit('error', statusOf(error)));
  };
}

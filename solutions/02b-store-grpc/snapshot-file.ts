// The kata store's snapshot file: what `etcdctl snapshot save` writes when it asks the kata store
// for a snapshot, and what `kata run store --restore-from` starts a new data directory from.
//
// It holds the store's snapshot (chapter 01's StoreSnapshot: the keys at the compact revision,
// every change since, the leases) as the protobuf message kata.Snapshot, followed by the SHA-256
// of those bytes, as etcd ends its own snapshots with a SHA-256 so that damage is found before a
// restore. It is not etcd's format (a bbolt database): real etcd cannot read it, nor the kata
// store real etcd's.
import { createHash } from 'node:crypto';
import { snapshotMessage } from '../../harness/store/grpc.ts';
import type { StoreSnapshot } from '../../harness/store/types.ts';
import { eventMessage, eventOf, idOf, keyValueMessage, keyValueOf, numberOf } from './messages.ts';

/** The length of the SHA-256 at the end of the file. */
const HASH_BYTES = 32;
/** The file, before its hash, is a whole number of these. */
const PAGE_BYTES = 512;

/** The snapshot's length and bytes, padded to whole pages, then their SHA-256. */
export function writeSnapshotFile(snapshot: StoreSnapshot): Buffer {
  const message = snapshotMessage.encode({
    revision: snapshot.revision,
    compactRevision: snapshot.compactRevision,
    base: snapshot.base.map(keyValueMessage),
    changes: snapshot.changes.map((change) => ({
      revision: change.revision,
      events: change.events.map(eventMessage),
    })),
    leases: snapshot.leases.map((lease) => ({ ID: String(lease.id), TTL: lease.ttl })),
  });
  const body = Buffer.alloc(Math.ceil((message.length + 4) / PAGE_BYTES) * PAGE_BYTES);
  body.writeUInt32BE(message.length, 0);
  message.copy(body, 4);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/**
 * Reads a snapshot file back. A file whose last 32 bytes are not the SHA-256 of the rest is
 * refused: it is damaged, or not a kata store snapshot (a real etcd's, for one).
 */
export function readSnapshotFile(file: Uint8Array): StoreSnapshot {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const body = bytes.subarray(0, Math.max(0, bytes.length - HASH_BYTES));
  const hash = bytes.subarray(body.length);
  if (bytes.length < HASH_BYTES || !createHash('sha256').update(body).digest().equals(hash)) {
    throw new Error(
      'not a kata store snapshot, or a damaged one: its last 32 bytes are not the SHA-256 of ' +
        'the rest (a snapshot of a real etcd cannot be restored into the kata store)',
    );
  }
  const length = body.length >= 4 ? body.readUInt32BE(0) : 0;
  const message = snapshotMessage.decode(body.subarray(4, 4 + length));
  return {
    revision: numberOf(message.revision),
    compactRevision: numberOf(message.compactRevision),
    base: (message.base ?? []).map(keyValueOf),
    changes: (message.changes ?? []).map((change: { revision?: string; events?: [] }) => ({
      revision: numberOf(change.revision),
      events: (change.events ?? []).map(eventOf),
    })),
    leases: (message.leases ?? []).map((lease: { ID?: string; TTL?: string }) => ({
      id: idOf(lease.ID),
      ttl: numberOf(lease.TTL),
    })),
  };
}

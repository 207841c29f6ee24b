// The kata store's snapshot file: what `etcdctl snapshot save` writes when it asks the kata store
// for a snapshot, and what `kata run store --restore-from` starts a new data directory from.
//
// It holds the store's snapshot (chapter 01's StoreSnapshot: the keys at the compact revision,
// every change since, the leases) as the protobuf message kata.Snapshot, followed by the SHA-256
// of those bytes, as etcd ends its own snapshots with a SHA-256 so that damage is found before a
// restore. It is not etcd's format (a bbolt database): real etcd cannot read it, nor the kata
// store real etcd's.
import { NotImplemented } from '../../harness/not-implemented.ts';
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
  throw new NotImplemented('writeSnapshotFile', '§ Cluster and Maintenance');
}

/**
 * Reads a snapshot file back. A file whose last 32 bytes are not the SHA-256 of the rest is
 * refused: it is damaged, or not a kata store snapshot (a real etcd's, for one).
 */
export function readSnapshotFile(file: Uint8Array): StoreSnapshot {
  throw new NotImplemented('readSnapshotFile', '§ Cluster and Maintenance');
}

// Chapter 02's modules, as the harness uses them: the store made durable (durable-store.ts),
// served over etcd's JSON gateway (server.ts), and the client the API server talks to it with
// (client.ts). `kata run store` composes the first two; `kata run apiserver` uses the third.
import type { Duplex } from 'node:stream';
import type { StoreClient } from '../store/client.ts';
import type { MvccStore, StoreSnapshot } from '../store/types.ts';
import type { RecordLog, RecordLogContents } from './raft-server.ts';

/** A store whose changes reach the disk: answers wait for it before they are sent. */
export interface Durability {
  /** Resolves once every change made so far is on disk. */
  synced(): Promise<void>;
  /** Resolves once every change up to and including store revision `revision` is on disk. */
  durableThrough(revision: number): Promise<void>;
}

export interface DurableStoreOptions {
  /** The data directory (etcd's --data-dir). */
  dataDir: string;
  /** Builds the in-memory store (chapter 01's), empty or from a snapshot. */
  createStore: (snapshot?: StoreSnapshot) => MvccStore;
}

/** The store recovered from its data directory: the log replayed over the last snapshot. */
export interface DurableStore extends MvccStore, Durability {
  /** Bytes of a torn last write cut from the end of the log at recovery (a crash mid-write). */
  readonly truncatedBytes: number;
  /** Flushes and closes the log. */
  close(): Promise<void>;
}

/** durable-store.ts. */
export interface DurableStoreModule {
  DurableStore: { open(options: DurableStoreOptions): Promise<DurableStore> };
  /** A store snapshot as the JSON a snapshot file of the log holds (a restore writes one). */
  serializeSnapshot(snapshot: StoreSnapshot): unknown;
  /** The store snapshot in such JSON's bytes (a replicated member loads its Raft snapshot so). */
  parseSnapshot(bytes: Uint8Array): StoreSnapshot;
}

/**
 * wal.ts: what a restore needs of the log, to start a new data directory from a snapshot, and what
 * a replicated member's Raft storage (chapter 16b) keeps its records in.
 */
export interface WalModule {
  WriteAheadLog: {
    open(dataDir: string): Promise<{ log: RecordLog; replay: RecordLogContents }>;
  };
}

export interface StoreServerOptions {
  store: MvccStore;
  /** When the store is durable: answers wait for the disk. Absent: the store lives in memory. */
  durability?: Durability;
  /** The member's name (etcd's --name); the cluster and member IDs are derived from it. */
  name?: string;
}

export interface StoreServer {
  /** Starts listening on one address (port 0 picks a free one); resolves with its URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Serves one connection another listener accepted (chapter 02b's client port); optional. */
  serveConnection?(connection: Duplex): void;
  /** Stops listening, ends open streams and the lease timer. */
  close(): Promise<void>;
}

/** server.ts. */
export interface StoreServerModule {
  createStoreServer: (options: StoreServerOptions) => StoreServer;
}

/** client.ts: a client of one store (or of a real etcd), by its client URL. */
export interface StoreClientModule {
  createStoreClient: (endpoint: string) => StoreClient;
}

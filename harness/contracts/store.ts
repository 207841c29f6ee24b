// Chapter 01's module, as the harness uses it: the in-memory MVCC store (solutions/01-store/store.ts
// and the learner's chapters/01-store/store.ts both meet it). Chapter 02 serves it, the API server's
// tests run over it, and the store benchmark measures it. The store's own methods are etcd's KV,
// Watch and Lease services, described once in harness/store/types.ts.
import type { MvccStore, StoreSnapshot } from '../store/types.ts';

/** What the harness hands the store when it builds one. */
export interface StoreOptions {
  /** Start from this snapshot instead of empty (chapter 02's recovery from disk). */
  snapshot?: StoreSnapshot;
}

/** store.ts: the store, built empty or from a snapshot. */
export interface StoreModule {
  Store: new (options?: StoreOptions) => MvccStore;
}

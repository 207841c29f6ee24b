// What a watch of stored objects delivers, in the API server's own terms: events about objects,
// not about keys. The API server's storage (chapter 03a's ObjectStorage) produces these from the
// store's watch, and the watch cache (watch-cache.ts) shares one such watch among many clients.
import type { ObjectPredicate } from './machinery.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';

export interface ObjectEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object after the change; for DELETED, its last state, at the delete's revision. */
  object: KubeObject;
}

export interface ObjectWatchHandlers {
  onEvent(event: ObjectEvent): void;
  /** Called after each store revision the watch has seen, whether or not it selected anything. */
  onRevision?(revision: number): void;
  /** The watch ended: its start was compacted away, or the store failed. */
  onEnd(end: { compactRevision?: number; error?: Error }): void;
}

export interface ObjectWatch {
  /** Settles once the store confirmed the watch: later writes will be seen. */
  readonly created: Promise<void>;
  cancel(): void;
}

/** What serving a watch needs: a consistent list to start from, and a watch from its revision. */
export interface WatchSource {
  list(
    resource: ResourceType,
    namespace?: string,
  ): Promise<{ items: KubeObject[]; revision: number }>;
  /**
   * Follows a collection (one namespace, or all) from just after `afterRevision`. `selected`
   * narrows it, so that the watcher's view always equals a filtered list.
   */
  watch(
    resource: ResourceType,
    namespace: string | undefined,
    afterRevision: number,
    handlers: ObjectWatchHandlers,
    selected?: ObjectPredicate,
  ): ObjectWatch;
}

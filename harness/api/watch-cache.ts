// The API server's watch cache: one store watch per resource, shared by every client that watches
// that resource. kube-apiserver's cacher does the same.
//
// Without it, each client's watch is a watch of its own on the store: the store sends every
// change once per watcher, and the API server decodes it once per watcher. With a kubelet on each
// of a hundred nodes watching pods, every pod change would be sent and parsed a hundred times.
//
// The cache watches each resource once, across all namespaces. It keeps each object's current
// state (so it knows what an object was before a change) and a window of recent changes. Each
// watcher gets the events its namespace and selection see, by the same rules as ObjectStorage's
// own watch. A watcher that starts before the window, or at a revision the store has compacted
// away, gets a watch of its own on the storage instead, and so the same answer as without the
// cache (its history, or a 410).
//
// Watchers share the objects they are handed: nobody may change one.
import type { ObjectPredicate } from './machinery.ts';
import type { ObjectEvent, ObjectWatch, ObjectWatchHandlers, WatchSource } from './object-watch.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';
import { bytes } from '../store/bytes.ts';
import type { StoreClient } from '../store/client.ts';
import { apiserverWrites, traceDelivery } from '../trace/apiserver-spans.ts';

/** A change as the cache keeps it: the object after it (for DELETED, its last state) and before. */
interface Change {
  revision: number;
  type: ObjectEvent['type'];
  object: KubeObject;
  previous?: KubeObject;
}

interface Watcher {
  namespace?: string;
  /** The watcher has seen everything up to this revision. */
  after: number;
  selected: ObjectPredicate;
  handlers: ObjectWatchHandlers;
}

export class WatchCache implements WatchSource {
  private readonly source: WatchSource;
  private readonly store: StoreClient;
  private readonly windowSize: number;
  private readonly resources = new Map<string, ResourceCache>();

  /**
   * `source`: the storage the cache lists and watches; `store`: the store under it, asked whether
   * a watcher's revision is still there; `windowSize`: how many recent changes of each resource
   * to keep for watchers a little behind.
   */
  constructor(source: WatchSource, store: StoreClient, windowSize = 1000) {
    this.source = source;
    this.store = store;
    this.windowSize = windowSize;
  }

  /** Lists come from the storage: a list must be consistent, and the cache may lag a little. */
  list(resource: ResourceType, namespace?: string) {
    return this.source.list(resource, namespace);
  }

  watch(
    resource: ResourceType,
    namespace: string | undefined,
    afterRevision: number,
    handlers: ObjectWatchHandlers,
    selected: ObjectPredicate = () => true,
  ): ObjectWatch {
    const key = `${resource.group}/${resource.resource}`;
    let cache = this.resources.get(key);
    if (!cache) {
      // A cache whose store watch ended is dropped: the next watcher starts a fresh one.
      const started: ResourceCache = new ResourceCache(
        this.source,
        this.store,
        resource,
        this.windowSize,
        () => {
          if (this.resources.get(key) === started) this.resources.delete(key);
        },
      );
      cache = started;
      this.resources.set(key, cache);
    }
    return cache.watch({ namespace, after: afterRevision, selected, handlers });
  }

  /** Stops every store watch. Watchers still open are the caller's to end. */
  close(): void {
    for (const cache of this.resources.values()) cache.close();
    this.resources.clear();
  }
}

/** The cache of one resource: its objects now, its recent changes, and who is watching. */
class ResourceCache {
  private readonly source: WatchSource;
  private readonly store: StoreClient;
  private readonly resource: ResourceType;
  private readonly windowSize: number;
  private readonly onEnd: () => void;
  private readonly objects = new Map<string, KubeObject>();
  private readonly window: Change[] = [];
  /** Watchers that have seen everything up to here (or later) can be served from the window. */
  private coveredFrom = 0;
  private readonly watchers = new Set<Watcher>();
  private upstream?: ObjectWatch;
  private closed = false;
  /** How the shared watch ended, for watchers that arrive just after. */
  private ending?: { compactRevision?: number; error?: Error };
  /** Settles once the cache has listed the resource and the store confirmed its watch. */
  private readonly ready: Promise<void>;

  constructor(
    source: WatchSource,
    store: StoreClient,
    resource: ResourceType,
    windowSize: number,
    onEnd: () => void,
  ) {
    this.source = source;
    this.store = store;
    this.resource = resource;
    this.windowSize = windowSize;
    this.onEnd = onEnd;
    this.ready = this.start();
    this.ready.catch((error: unknown) => this.end({ error: error as Error }));
  }

  /** Lists the resource, then watches it from the list's revision on: it misses nothing. */
  private async start(): Promise<void> {
    const list = await this.source.list(this.resource);
    if (this.closed) return;
    for (const object of list.items) this.objects.set(keyOf(object), object);
    this.coveredFrom = list.revision;
    this.upstream = this.source.watch(this.resource, undefined, list.revision, {
      onEvent: (event) => this.record(event),
      onRevision: (revision) => {
        for (const watcher of this.watchers) {
          if (revision > watcher.after) watcher.handlers.onRevision?.(revision);
        }
      },
      onEnd: (end) => this.end(end),
    });
    await this.upstream.created;
  }

  watch(watcher: Watcher): ObjectWatch {
    let own: ObjectWatch | undefined;
    let cancelled = false;
    const attach = async () => {
      let kept: boolean;
      try {
        await this.ready;
        kept = await this.storeHas(watcher.after);
      } catch (error) {
        if (!cancelled) watcher.handlers.onEnd({ error: error as Error });
        throw error;
      }
      if (cancelled) return;
      if (this.closed) {
        return watcher.handlers.onEnd(
          this.ending ?? { error: new Error('the watch cache closed') },
        );
      }
      // From here to the end of the replay nothing awaits, so the window cannot move meanwhile.
      if (!kept || watcher.after < this.coveredFrom) {
        // Older than the window, or compacted: the store's own history, or its 410.
        own = this.source.watch(
          this.resource,
          watcher.namespace,
          watcher.after,
          watcher.handlers,
          watcher.selected,
        );
        return own.created;
      }
      for (const change of this.window) {
        if (change.revision > watcher.after) deliver(watcher, change);
      }
      this.watchers.add(watcher);
    };
    const created = attach();
    created.catch(() => undefined); // a caller that never awaits it must not crash the process
    return {
      created,
      cancel: () => {
        cancelled = true;
        this.watchers.delete(watcher);
        own?.cancel();
      },
    };
  }

  /**
   * Whether the store still keeps `revision`: a read at a compacted one is refused, and a watch
   * from it would be told 410. (A revision still to come is fine: the watcher waits for it.)
   */
  private async storeHas(revision: number): Promise<boolean> {
    try {
      await this.store.range({ key: bytes('/'), revision, countOnly: true });
      return true;
    } catch (error) {
      if ((error as Error).message.includes('compacted')) return false;
      if ((error as Error).message.includes('future revision')) return true;
      throw error;
    }
  }

  /** One change from the store: remember it, and tell each watcher what its selection sees. */
  private record(event: ObjectEvent): void {
    const key = keyOf(event.object);
    const change: Change = {
      revision: Number(event.object.metadata.resourceVersion),
      type: event.type,
      object: event.object,
      previous: this.objects.get(key),
    };
    if (event.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, event.object);
    this.window.push(change);
    if (this.window.length > this.windowSize) this.coveredFrom = this.window.shift()!.revision;
    for (const watcher of this.watchers) {
      if (change.revision > watcher.after) deliver(watcher, change);
    }
    traceDelivery(apiserverWrites, this.resource.resource, change.revision, this.watchers.size);
  }

  /** The store ended the shared watch: every watcher ends with it, and the cache is dropped. */
  private end(end: { compactRevision?: number; error?: Error }): void {
    if (this.closed) return;
    this.ending = end;
    this.close();
    for (const watcher of this.watchers) watcher.handlers.onEnd(end);
    this.watchers.clear();
  }

  close(): void {
    this.closed = true;
    this.upstream?.cancel();
    this.onEnd();
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * What one watcher sees of a change, by ObjectStorage.watch's rules: an object entering the
 * selection is ADDED, one leaving it is DELETED (as it was before), one staying in it is MODIFIED.
 */
function deliver(watcher: Watcher, change: Change): void {
  const { namespace, selected, handlers } = watcher;
  if (namespace !== undefined && change.object.metadata.namespace !== namespace) return;
  if (change.type === 'DELETED') {
    if (selected(change.object)) handlers.onEvent({ type: 'DELETED', object: change.object });
    return;
  }
  const isSelected = selected(change.object);
  const wasSelected = change.previous
    ? selected(change.previous)
    : change.type === 'MODIFIED' && isSelected;
  if (isSelected) {
    handlers.onEvent({ type: wasSelected ? 'MODIFIED' : 'ADDED', object: change.object });
  } else if (wasSelected) {
    // It left the selection with this change: its last state the watcher may see, at this revision.
    const { previous } = change;
    handlers.onEvent({
      type: 'DELETED',
      object: {
        ...previous!,
        metadata: { ...previous!.metadata, resourceVersion: String(change.revision) },
      },
    });
  }
}

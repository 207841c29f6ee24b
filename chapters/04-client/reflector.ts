// The reflector: keeps a local copy of one resource in step with the API server, forever, with one
// list and then watches. It is the whole of "list-watch":
//
//   list ──▶ replace the copy, remember the list's resourceVersion
//    ▲         │
//    │         ▼
//    │       watch from that version ──▶ apply each event, remember its resourceVersion
//    │         │
//    │         ├─ the server ends the watch (a timeout): watch again from the last version
//    │         ├─ 410 Expired (that version was compacted away): list again
//    └─────────┴─ the connection fails: wait (800 ms, doubling to 30 s, with jitter), then go on
//
// Resuming from the last version seen is what makes it exact: the server replays everything after
// that version, so no event is lost across a reconnect and none is applied twice.
import type { KubeObject } from '../../harness/api/types.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ List and watch';

/** Where a reflector writes what it sees: an informer's cache. */
export interface ReflectorStore<T extends KubeObject> {
  /** The result of a list: these objects, and no others, exist at `resourceVersion`. */
  replace(objects: T[], resourceVersion: string): void;
  add(object: T): void;
  update(object: T): void;
  delete(object: T): void;
}

export interface ReflectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
  clock?: TimerClock;
  /** Random numbers in [0, 1), for jitter and watch timeouts. */
  random?: () => number;
  /** The first wait after a failure. 800 ms, like client-go. */
  initialBackoffMs?: number;
  /** The longest wait before jitter. 30 s. */
  maxBackoffMs?: number;
}

export class Reflector<T extends KubeObject> {
  private readonly client: ResourceClient<T>;
  private readonly store: ReflectorStore<T>;
  private readonly options: ReflectorOptions;
  private readonly clock: TimerClock;
  private readonly random: () => number;

  constructor(client: ResourceClient<T>, store: ReflectorStore<T>, options: ReflectorOptions = {}) {
    this.client = client;
    this.store = store;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** The resourceVersion of the last list or event applied ("" before the first list). */
  lastSyncResourceVersion(): string {
    throw new NotImplemented('Reflector.lastSyncResourceVersion', section);
  }

  /**
   * How long to wait after the `failures`-th failure in a row (1, 2, ...): the initial back-off
   * doubled (failures - 1) times, capped at the maximum, then times (1 + random()).
   */
  backoffMs(failures: number): number {
    throw new NotImplemented('Reflector.backoffMs', section);
  }

  /**
   * Lists and watches until `signal` aborts; never rejects. In a loop: list if there is no version
   * yet (store.replace), then watch from the version (allowWatchBookmarks, selectors, a
   * timeoutSeconds between 300 and 600, the signal): ADDED → store.add, MODIFIED → store.update,
   * DELETED → store.delete, and every event (BOOKMARK too) moves the version. A clean end of the
   * watch loops straight back; an ApiError that isExpired clears the version (so the next turn
   * lists); any other error waits backoffMs(failures in a row) on the clock (`sleep` in
   * harness/clock.ts) before the next turn.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Reflector.run', section);
  }
}

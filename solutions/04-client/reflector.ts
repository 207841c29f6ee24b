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
import { isExpired } from '../../harness/client/errors.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { sleep, systemClock, type TimerClock } from '../../harness/clock.ts';

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
  /** Where the next watch starts; empty means "list first". */
  private resourceVersion = '';
  /** Failures in a row, for the back-off. */
  private failures = 0;

  constructor(client: ResourceClient<T>, store: ReflectorStore<T>, options: ReflectorOptions = {}) {
    this.client = client;
    this.store = store;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** The resourceVersion of the last list or event applied. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** How long to wait after the `failures`-th failure in a row: doubling, capped, jittered. */
  backoffMs(failures: number): number {
    const initial = this.options.initialBackoffMs ?? 800;
    const max = this.options.maxBackoffMs ?? 30_000;
    const capped = Math.min(initial * 2 ** (failures - 1), max);
    // Jitter spreads out a thousand clients that lost the server at the same moment.
    return capped * (1 + this.random());
  }

  /** Lists and watches until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watchOnce(signal);
        this.failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        if (isExpired(error)) {
          // Our version is gone from the server's history: only a fresh list can catch up.
          this.resourceVersion = '';
          continue;
        }
        this.failures++;
        await sleep(this.clock, this.backoffMs(this.failures), signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const { labelSelector, fieldSelector } = this.options;
    const list = await this.client.list({ labelSelector, fieldSelector });
    this.store.replace(list.items, list.metadata.resourceVersion ?? '');
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    this.failures = 0;
  }

  /** One watch, from the last version seen, until the server ends it. */
  private async watchOnce(signal: AbortSignal): Promise<void> {
    const { labelSelector, fieldSelector } = this.options;
    const events = this.client.watch({
      resourceVersion: this.resourceVersion,
      labelSelector,
      fieldSelector,
      allowWatchBookmarks: true,
      // Between 5 and 10 minutes, as client-go: watches opened together do not end together.
      timeoutSeconds: Math.floor(300 * (1 + this.random())),
      signal,
    });
    for await (const event of events) {
      if (event.type === 'ADDED') this.store.add(event.object);
      else if (event.type === 'MODIFIED') this.store.update(event.object);
      else if (event.type === 'DELETED') this.store.delete(event.object);
      // A BOOKMARK only moves the version on: a later resume need not replay quiet stretches.
      this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
      this.failures = 0;
    }
  }
}

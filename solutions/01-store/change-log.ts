// The change log: every change the store made, one entry per revision, and the watchers following it.
//
// A *change* is everything one write transaction did: its revision and its events (a PUT with the
// key's new state, or a DELETE). A *watcher* asks for the changes to an interval of keys from a
// start revision on. If the start is in the past, the watcher first replays the log; from then on
// it hears each new change as it is appended. Either way it hears each revision once, in order.
//
// Two things make "once, in order" hold even when a listener writes to the store itself (a
// controller reacting to an event does exactly that). A new change that arrives while another is
// being delivered waits in a queue, so every watcher hears revision 5 before revision 6. And every
// watcher remembers the next revision it expects, so a change it already heard while replaying is
// not delivered to it again.
import type { Event, KeyValue, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { inInterval, type KeyInterval } from './key-index.ts';

/** What one watcher asked for. */
export interface WatchFilter {
  interval: KeyInterval;
  /** Add each event's previous state of the key. */
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
}

/** Reads a key as it was just before `revision`; undefined if it did not exist or was compacted. */
export type ReadBefore = (key: Uint8Array, revision: number) => KeyValue | undefined;

interface Subscription {
  filter: WatchFilter;
  listener: (response: WatchResponse) => void;
  /** The revision this watcher hears next; anything older it has already heard or not asked for. */
  next: number;
  canceled: boolean;
}

export class ChangeLog {
  /** Changes in revision order, from the oldest the store remembers. */
  private changes: WatchResponse[] = [];
  private readonly subscriptions = new Set<Subscription>();
  private readonly pending: WatchResponse[] = [];
  private delivering = false;
  private readonly readBefore: ReadBefore;

  constructor(readBefore: ReadBefore) {
    this.readBefore = readBefore;
  }

  /** Records a change and, when anyone is watching, delivers it. */
  append(change: WatchResponse): void {
    this.changes.push(change);
    // Nobody watching, nothing to deliver: a watch started later replays the log instead.
    if (this.subscriptions.size > 0) this.notify(change);
  }

  /**
   * Delivers a change to every live watcher. A listener that writes brings the store back here
   * while a delivery is running: its change waits in the queue, and the running loop below gets
   * to it next, so every watcher hears each revision in order.
   */
  notify(change: WatchResponse): void {
    this.pending.push(change);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const subscription of [...this.subscriptions]) this.deliver(subscription, next);
      }
    } finally {
      this.delivering = false;
    }
  }

  /**
   * Starts a watcher: replays every logged change from `startRevision` on, then keeps it informed.
   * It joins the live watchers only after its replay, so a write made by its own listener during
   * the replay reaches it through the log, in order, and not ahead of older revisions.
   */
  watch(
    filter: WatchFilter,
    startRevision: number,
    listener: (response: WatchResponse) => void,
  ): Watcher {
    const subscription: Subscription = { filter, listener, next: startRevision, canceled: false };
    for (let i = this.firstFrom(startRevision); i < this.changes.length; i++) {
      this.deliver(subscription, this.changes[i]!);
    }
    this.subscriptions.add(subscription);
    return {
      cancel: () => {
        subscription.canceled = true;
        this.subscriptions.delete(subscription);
      },
    };
  }

  /** Every change after `revision`, oldest first. */
  after(revision: number): WatchResponse[] {
    return this.changes.slice(this.firstFrom(revision + 1));
  }

  /**
   * Forgets the changes before `revision`. Of the change at `revision` only what still shows in the
   * store survives (`survivors`): a key deleted then has nothing left to show.
   */
  compact(revision: number, survivors: WatchResponse | undefined): void {
    const newer = this.after(revision);
    this.changes = survivors ? [survivors, ...newer] : newer;
  }

  /** Binary search: the position of the first change at or after `revision`. */
  private firstFrom(revision: number): number {
    let low = 0;
    let high = this.changes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.changes[middle]!.revision < revision) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** One change to one watcher: only the events it asked for, never twice, never empty. */
  private deliver(subscription: Subscription, change: WatchResponse): void {
    if (subscription.canceled || change.revision < subscription.next) return;
    subscription.next = change.revision + 1;
    const events = watchedEvents(subscription.filter, change, this.readBefore);
    // A revision whose events were all filtered out is not delivered at all, as in etcd.
    if (events.length === 0) return;
    try {
      subscription.listener({ revision: change.revision, events });
    } catch (error) {
      // The write has happened; one broken listener must not keep it from the others. Rethrown on
      // its own, so the mistake is still reported.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/**
 * The events of one change that a watcher hears: those on its keys, without the kinds its filter
 * leaves out, each with the key's previous state when it asked for prevKv.
 */
export function watchedEvents(
  filter: WatchFilter,
  change: WatchResponse,
  readBefore: ReadBefore,
): Event[] {
  return change.events
    .filter((event) => inInterval(filter.interval, event.kv.key))
    .filter((event) => !(event.type === 'PUT' ? filter.noPut : filter.noDelete))
    .map((event) => (filter.prevKv ? withPrevKv(event, change.revision, readBefore) : event));
}

/** A key that was just created has no previous state; any other event reads the revision before. */
function withPrevKv(event: Event, revision: number, readBefore: ReadBefore): Event {
  if (event.type === 'PUT' && event.kv.createRevision === event.kv.modRevision) return event;
  const prevKv = readBefore(event.kv.key, revision);
  return prevKv ? { ...event, prevKv } : event;
}

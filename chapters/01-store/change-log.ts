// The change log: every change the store made, one entry per revision, and the watchers following it.
//
// A *change* is everything one write transaction did: its revision and its events (a PUT with the
// key's new state, or a DELETE). A *watcher* asks for the changes to an interval of keys from a
// start revision on. If the start is in the past, the watcher first replays the log; from then on
// it hears each new change as it is appended. Either way it hears each revision once, in order.
//
// Watch out for listeners that write to the store (a controller reacting to an event does exactly
// that): the write comes back into `append` while another change is still being delivered. The
// lesson's "Watches" section explains how to keep every watcher's order intact anyway.
import type { Event, KeyValue, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { KeyInterval } from './key-index.ts';

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

export class ChangeLog {
  constructor(readBefore: ReadBefore) {
    // Keep readBefore (for prevKv), the changes in revision order, and the live watchers.
  }

  /**
   * Records a change: its revision and events, appended in revision order. When anyone is
   * watching, hands it to `notify`; with nobody watching there is nothing to deliver (a watch
   * started later replays the log).
   */
  append(change: WatchResponse): void {
    throw new NotImplemented('ChangeLog.append', '§ Revisions');
  }

  /**
   * Delivers a change to every live watcher, as `watchedEvents` selects them for it, skipping a
   * watcher that already heard this revision and one for which no event is left. A listener that
   * writes to the store calls back in here while a delivery is still running: queue that change
   * and let the running delivery get to it next, so every watcher hears the revisions in order.
   */
  notify(change: WatchResponse): void {
    throw new NotImplemented('ChangeLog.notify', '§ Watches');
  }

  /**
   * Starts a watcher: replays every logged change from `startRevision` on (inclusive) before
   * returning, then delivers new changes as they are appended, each revision exactly once, in order.
   * `cancel()` on the returned watcher stops it, and may be called more than once.
   */
  watch(
    filter: WatchFilter,
    startRevision: number,
    listener: (response: WatchResponse) => void,
  ): Watcher {
    throw new NotImplemented('ChangeLog.watch', '§ Watches');
  }

  /** Every change after `revision`, oldest first. */
  after(revision: number): WatchResponse[] {
    throw new NotImplemented('ChangeLog.after', '§ Snapshots');
  }

  /**
   * Forgets the changes before `revision`. Of the change at `revision` only what still shows in the
   * store survives (`survivors`, worked out by the store): a key deleted then has nothing left.
   */
  compact(revision: number, survivors: WatchResponse | undefined): void {
    throw new NotImplemented('ChangeLog.compact', '§ Compaction');
  }
}

/**
 * The events of one change that a watcher hears: only those on keys in `filter.interval`, without
 * PUT events when `filter.noPut` and DELETE events when `filter.noDelete`, in the change's order.
 * With `filter.prevKv`, each event also carries the key's previous state, `readBefore(key,
 * change.revision)`, except a PUT that created the key (its createRevision is its modRevision),
 * which has none.
 */
export function watchedEvents(
  filter: WatchFilter,
  change: WatchResponse,
  readBefore: ReadBefore,
): Event[] {
  throw new NotImplemented('watchedEvents', '§ Watches');
}

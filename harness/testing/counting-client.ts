// A resource client wrapped for tests of list-watch: it counts lists and watches, and can hold the
// next watch back until the test lets it go, so a test can change (and compact) the server's
// history while a reflector is between two watches, the way a slow network or a restart would.
import type { KubeObject } from '../api/types.ts';
import type { ObjectEvent, ResourceClient, WatchOptions } from '../client/types.ts';

export interface CountingClient<T extends KubeObject> {
  client: ResourceClient<T>;
  lists: number;
  watches: number;
  /** The resourceVersion each watch started from. */
  watchedFrom: (string | undefined)[];
  /** Watches opened from now on wait until release() is called. */
  hold(): void;
  release(): void;
}

export function countingClient<T extends KubeObject>(inner: ResourceClient<T>): CountingClient<T> {
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  const counts: CountingClient<T> = {
    lists: 0,
    watches: 0,
    watchedFrom: [],
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open();
    },
    client: {
      get: (name) => inner.get(name),
      create: (object) => inner.create(object),
      update: (object) => inner.update(object),
      updateStatus: (object) => inner.updateStatus(object),
      patch: (name, patch, type) => inner.patch(name, patch, type),
      delete: (name, options) => inner.delete(name, options),
      getScale: (name) => inner.getScale(name),
      scale: (name, replicas) => inner.scale(name, replicas),
      list: (options) => {
        counts.lists++;
        return inner.list(options);
      },
      watch: (options?: WatchOptions) => {
        counts.watches++;
        counts.watchedFrom.push(options?.resourceVersion);
        const waiting = gate;
        return (async function* (): AsyncGenerator<ObjectEvent<T>> {
          if (waiting) await waiting;
          yield* inner.watch(options);
        })();
      },
    },
  };
  return counts;
}

// A controller, in the shape of Kubernetes' sample-controller: informers tell what changed, the
// work queue collects the keys of the objects concerned, and workers call reconcile(key) on them.
//
//   informer events ──keysFor──▶ work queue ──get──▶ reconcile(key) ──ok──▶ forget, done
//                                    ▲                     │
//                                    └── addRateLimited ◀── error
//
// reconcile(key) is handed a key, not an event: it reads the object's current state from the
// caches and makes one step toward what its spec asks. Whether the key came from an add, an update
// or a resync does not matter, so a missed or merged event costs nothing (level, not edge).
import type { KubeObject } from '../../harness/api/types.ts';
import { isConflict } from '../../harness/client/errors.ts';
import type {
  Controller,
  ControllerOptions,
  Informer,
  ResourceClient,
  WorkQueue,
} from '../../harness/client/types.ts';
import { keyOf } from './client.ts';
import { createWorkQueue } from './workqueue.ts';

export class QueueController implements Controller {
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;
  private readonly informers: Informer<KubeObject>[] = [];

  constructor(options: ControllerOptions) {
    this.options = options;
    this.queue = options.queue ?? createWorkQueue();
  }

  watch<T extends KubeObject>(
    informer: Informer<T>,
    keysFor: (object: T) => string[] = (object) => [keyOf(object)],
  ): void {
    this.informers.push(informer as unknown as Informer<KubeObject>);
    const enqueue = (keys: string[]) => {
      for (const key of keys) this.queue.add(key);
    };
    informer.addEventHandlers({
      add: (object) => enqueue(keysFor(object)),
      // Both: a pod relabelled away from one owner concerns the old owner and the new.
      update: (old, object) => enqueue([...new Set([...keysFor(old), ...keysFor(object)])]),
      delete: (object) => enqueue(keysFor(object)),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    for (const informer of this.informers) informer.run(signal);
    try {
      // Acting on a half-filled cache would mistake "not seen yet" for "does not exist".
      await Promise.all(this.informers.map((informer) => informer.waitForSync(signal)));
    } catch {
      this.queue.shutDown();
      return;
    }
    const stop = () => this.queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    if (signal.aborted) stop();
    const workers = Array.from({ length: this.options.workers ?? 1 }, () => this.work());
    await Promise.all(workers);
  }

  /** One worker: takes keys until the queue shuts down. */
  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.options.reconcile(key);
        this.queue.forget(key);
      } catch (error) {
        this.options.onError?.(key, error);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}

export function createController(options: ControllerOptions): Controller {
  return new QueueController(options);
}

/** Attempts before updateWithRetry gives up on a hot object (client-go's DefaultRetry has 5). */
const attempts = 5;

/**
 * Optimistic concurrency as a loop: read, change, write with the version read; if someone wrote
 * in between (409 Conflict), read again and redo the change on the newer object.
 */
export async function updateWithRetry<T extends KubeObject>(
  client: ResourceClient<T>,
  name: string,
  mutate: (object: T) => boolean | void,
  options: { status?: boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const object = await client.get(name);
    if (mutate(object) === false) return object;
    try {
      return options.status ? await client.updateStatus(object) : await client.update(object);
    } catch (error) {
      if (!isConflict(error) || attempt === attempts) throw error;
    }
  }
}

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
import type {
  Controller,
  ControllerOptions,
  Informer,
  ResourceClient,
  WorkQueue,
} from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { keyOf } from './client.ts';
import { createWorkQueue } from './workqueue.ts';

const section = '§ Controllers';

export class QueueController implements Controller {
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.queue = options.queue ?? createWorkQueue();
  }

  /**
   * Remembers the informer (run starts it) and adds handlers that queue keysFor(object) on add
   * and delete, and the keys of both the old and the new object on update.
   */
  watch<T extends KubeObject>(
    informer: Informer<T>,
    keysFor: (object: T) => string[] = (object) => [keyOf(object)],
  ): void {
    throw new NotImplemented('QueueController.watch', section);
  }

  /**
   * Runs every watched informer, waits for all of them to sync (if that fails, the signal
   * aborted: shut the queue down and return), shuts the queue down when the signal aborts, and
   * runs `workers` workers until they all stop. A worker: get a key (undefined: stop), reconcile
   * it, forget it on success or call onError and addRateLimited on failure, and always done.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('QueueController.run', section);
  }
}

export function createController(options: ControllerOptions): Controller {
  return new QueueController(options);
}

/**
 * Optimistic concurrency as a loop: get the object, mutate it (false: nothing to change, return
 * it as read), update it (or updateStatus with { status: true }); on a 409 Conflict start again,
 * at most 5 attempts in all, then reject with the last error. Other errors reject at once.
 */
export async function updateWithRetry<T extends KubeObject>(
  client: ResourceClient<T>,
  name: string,
  mutate: (object: T) => boolean | void,
  options: { status?: boolean } = {},
): Promise<T> {
  throw new NotImplemented('updateWithRetry', section);
}

// The namespace controller: deleting a namespace deletes what was in it. The API server removes the
// Namespace object at once (this course's server has no Terminating phase), and refuses new objects
// in a namespace that does not exist; this controller sees the namespace go and deletes every
// namespaced object left in it, resource by resource.
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export interface NamespaceControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

export class NamespaceController {
  private readonly options: NamespaceControllerOptions;
  private readonly clock: TimerClock;

  /** Make the informer on namespaces (with this.clock) here, once: reconcile reads it, run runs it. */
  constructor(options: NamespaceControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** A controller (keys: namespace names) whose reconcile is `reconcile`, watching the informer. */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('NamespaceController.run', '§ Namespaces');
  }

  /**
   * A namespace the informer still has: nothing to do. One that is gone: for every namespaced
   * resource of builtinResources, list what is left in it and delete each (NotFound is fine).
   */
  async reconcile(name: string): Promise<void> {
    throw new NotImplemented('NamespaceController.reconcile', '§ Namespaces');
  }
}

export function createNamespaceController(
  options: NamespaceControllerOptions,
): NamespaceController {
  return new NamespaceController(options);
}

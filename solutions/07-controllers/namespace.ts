// The namespace controller: deleting a namespace deletes what was in it. The API server removes the
// Namespace object at once (this course's server has no Terminating phase), and refuses new objects
// in a namespace that does not exist; this controller sees the namespace go and deletes every
// namespaced object left in it, resource by resource.
import { builtinResources } from '../../harness/api/resources.ts';
import type { Namespace } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';

export interface NamespaceControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

export class NamespaceController {
  private readonly options: NamespaceControllerOptions;
  private readonly clock: TimerClock;
  private readonly namespaces: Informer<Namespace>;

  constructor(options: NamespaceControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.namespaces = toolkit.createInformer(client.resource<Namespace>('namespaces'), {
      clock: this.clock,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'namespace-controller',
      reconcile: (name) => this.reconcile(name),
    });
    controller.watch(this.namespaces);
    await controller.run(signal);
  }

  /** A namespace that is gone: delete every namespaced object still in it. */
  async reconcile(name: string): Promise<void> {
    if (this.namespaces.get(name)) return;
    for (const resource of builtinResources.filter((type) => type.namespaced)) {
      const objects = this.options.client.resource(resource.resource, name);
      for (const object of (await objects.list()).items) {
        await objects.delete(object.metadata.name!).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }
    }
  }
}

export function createNamespaceController(
  options: NamespaceControllerOptions,
): NamespaceController {
  return new NamespaceController(options);
}

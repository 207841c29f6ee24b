// The controller toolkit a component runs on: chapter 04's, from the learner's folder or the
// reference, chosen like every other chapter (harness/components/implementation.ts). Components
// receive it; none of them imports chapter 04 directly.
import type { Toolkit } from '../client/types.ts';
import { chapterSource, describeSource, loadModule, type Use } from './implementation.ts';
import { followQueue } from './prometheus.ts';

/**
 * Loads chapter 04's `toolkit` (its index.ts) and says where it came from. Its controllers log
 * their failed reconciles on `log` (see logFailures), unless a component handles them itself.
 */
export async function loadToolkit(
  use: Use,
  log: (line: string) => void = () => {},
): Promise<Toolkit> {
  const folder = chapterSource('04', use);
  const { toolkit } = await loadModule('04', 'index.ts', folder);
  log(`chapter 04, the controller toolkit: ${describeSource(folder)}`);
  return {
    ...toolkit,
    createController: (options) => {
      const controller = toolkit.createController({
        onError: logFailures(options.name, log),
        ...options,
      });
      // workqueue_depth{name} on /metrics (./prometheus.ts).
      followQueue(options.name, controller.queue);
      return controller;
    },
  };
}

/**
 * A failed reconcile is retried with back-off, and said in the log as Kubernetes' controllers say
 * it ("error syncing"), once for each key and message: a Service port the proxy may not bind
 * fails at every retry, and one line tells the operator as much as a hundred.
 */
export function logFailures(
  controller: string,
  log: (line: string) => void,
): (key: string, error: unknown) => void {
  const said = new Map<string, string>();
  return (key, error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (said.get(key) === message) return;
    said.set(key, message);
    log(`${controller}: error syncing "${key}": ${message}; retrying with back-off`);
  };
}

// The kubelet's bootstrap configuration (./kubelet-bootstrap.ts): static pods go through it while
// no API server answers; pods from the API server wait for the full configuration.
import { describe, expect, test } from 'vitest';
import { configSourceAnnotation } from '../api/static-pods.ts';
import type { Pod } from '../api/types.ts';
import type { PodConfiguration } from '../contracts/kubelet.ts';
import type { PodSandboxStatus } from '../runtime/cri.ts';
import { deferredPodConfiguration } from './kubelet-bootstrap.ts';

/** A configuration that answers preparePod with its own name. */
function named(name: string): PodConfiguration {
  return {
    run: async () => {},
    preparePod: async () => name,
    configureContainer: async (_pod, _container, config) => config,
    initPlan: () => ({ sync: [], initialized: true }),
    completeStatus: (_pod, status) => status,
    stopOrder: (_pod, names) => [names],
    cleanupPod: async () => {},
  };
}

const sandbox = {} as PodSandboxStatus;
const staticPod = {
  metadata: { name: 'etcd-node-1', annotations: { [configSourceAnnotation]: 'file' } },
  spec: { containers: [] },
} as Pod;
const apiPod = { metadata: { name: 'web' }, spec: { containers: [] } } as Pod;

describe('the kubelet before the API server answers', () => {
  test('a static pod is prepared by the bootstrap configuration at once', async () => {
    const deferred = deferredPodConfiguration(named('bootstrap'), new Promise(() => {}));
    expect(await deferred.preparePod(staticPod, sandbox), 'the static pod').toBe('bootstrap');
  });

  test("a pod from the API server waits for the full configuration, and once it runs it is everyone's", async () => {
    let resolve: (full: PodConfiguration) => void = () => {};
    const ready = new Promise<PodConfiguration>((settle) => (resolve = settle));
    const deferred = deferredPodConfiguration(named('bootstrap'), ready);
    let answer: string | undefined;
    const preparing = deferred.preparePod(apiPod, sandbox).then((got) => (answer = got));
    // Everything that could run has run: only `ready` stands between the pod and an answer.
    await new Promise((settle) => setImmediate(settle));
    expect(answer, 'the API pod before the API server answers').toBeUndefined();
    resolve(named('full'));
    await preparing;
    expect(answer, 'the API pod once it answers').toBe('full');
    await deferred.run(new AbortController().signal, () => {});
    expect(await deferred.preparePod(staticPod, sandbox), 'a static pod after run').toBe('full');
  });
});

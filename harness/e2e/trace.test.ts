// Seeing inside a cluster (#33), on a one-node reference cluster that traces, as `kata up` starts
// it: after `kubectl apply` of the hello example, the traces the components wrote hold one tree
// from the Deployment's write through the controller-manager, the scheduler and the kubelet to
// kube-proxy (`kata trace deployment/hello`); a pod's stored revisions name the scheduler and the
// kubelet as their writers (`kata history`); and the API server answers /metrics with
// apiserver_request_total and /readyz?verbose with its checks. Skipped without kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { Service } from '../api/types.ts';
import { traceDir } from '../cluster/arguments.ts';
import { readClusterState } from '../cluster/state.ts';
import { loadReference } from '../components/implementation.ts';
import { readManifests } from '../kata/cluster/object-verbs.ts';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { renderHistory, storedRevisions } from '../trace/history.ts';
import { readTraceDir } from '../trace/otlp.ts';
import { keyOf, traceSteps } from '../trace/waterfall.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl) {
    cluster = await startKubectlCluster(1, suiteNodeIndexBase.trace, '127.122.0.0/24', {
      tracing: true,
    });
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** The components in the tree of the Deployment's last uncaused write, as traced so far. */
function componentsTraced(): Set<string> {
  const spans = readTraceDir(traceDir(cluster!.dataDir));
  const steps = traceSteps(spans, keyOf('deployments', 'default', 'hello'));
  return new Set(steps.map((step) => step.component));
}

describe.skipIf(!hasKubectl)(
  `Traces, history and metrics${hasKubectl ? '' : ` (${noKubectl})`}`,
  () => {
    test('one apply becomes one tree from the API write to the proxy, and a pod shows its writers', async () => {
      // As a ClusterIP Service: a NodePort would be bound on 127.0.0.1, which others may use.
      const objects = readManifests(path.join(repoRoot, 'harness', 'examples', 'hello.yaml'));
      for (const object of objects)
        if (object.kind === 'Service') {
          const spec = (object as Service).spec;
          spec.type = 'ClusterIP';
          for (const port of spec.ports ?? []) delete port.nodePort;
        }
      const manifest = path.join(cluster!.kubectl.home, 'hello.yaml');
      writeFileSync(manifest, objects.map((object) => stringify(object)).join('---\n'));
      await kubectl('apply', '-f', manifest);
      const wanted = ['controller-manager', 'scheduler', 'kubelet-node-1', 'proxy-node-1'];
      await waitFor(
        () => wanted.every((component) => componentsTraced().has(component)),
        `the trace of deployment/hello to reach ${wanted.join(', ')}`,
        45_000,
      );
      const pod = (await kubectl('get', 'pods', '-o', 'name'))
        .trim()
        .split('\n')[0]!
        .split('/')[1]!;
      const { createStoreClient } = await loadReference('02', 'client.ts');
      const store = createStoreClient(readClusterState(cluster!.dataDir)!.store!);
      try {
        const history = renderHistory(
          await storedRevisions(store, keyOf('pods', 'default', pod)),
          readTraceDir(traceDir(cluster!.dataDir)),
        );
        expect(history, `kata history pod/${pod}: the scheduler bound it`).toMatch(
          /by scheduler .*\n {2}\+ spec\.nodeName: "node-1"/,
        );
        expect(history, `kata history pod/${pod}: the kubelet wrote its status`).toContain(
          'by kubelet-node-1 (system:node:node-1)',
        );
      } finally {
        await store.close();
      }
    });

    test('the API server serves /metrics and its health checks with ?verbose', async () => {
      expect(await kubectl('get', '--raw', '/metrics'), 'kubectl get --raw /metrics').toMatch(
        /^apiserver_request_total\{verb="POST",resource="deployments".*code="201"\} \d+$/m,
      );
      expect(await kubectl('get', '--raw', '/readyz?verbose'), '/readyz?verbose').toContain(
        '[+]etcd ok\nreadyz check passed',
      );
    });
  },
);

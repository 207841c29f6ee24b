// Autoscaling through the real kubectl (chapter 14), on a one-node reference cluster over TLS with
// short periods (the autoscaler looks every 2 s, metrics-server scrapes every 2 s): `kubectl
// autoscale` writes an autoscaling/v1 autoscaler, which the API server stores at v2; then a
// Deployment of kata/cpu-burner under load through its Service scales out to at least 3 replicas,
// and back to 1 once the load stops (a short scale-down window in its behavior), with a
// SuccessfulRescale Event for each. Skipped, with the reason, without kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLoad } from '../kata/load/load.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl) {
    cluster = await startKubectlCluster(1, suiteNodeIndexBase.autoscale, '127.118.0.0/24', {
      autoscalerSyncPeriod: '2s',
      metricResolution: '2s',
    });
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

const burner = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: burn
spec:
  replicas: 1
  selector:
    matchLabels: { app: burn }
  template:
    metadata:
      labels: { app: burn }
    spec:
      containers:
        - name: burn
          image: kata/cpu-burner
          ports: [{ containerPort: 8080 }]
          resources:
            requests: { cpu: 100m }
---
apiVersion: v1
kind: Service
metadata:
  name: burn
spec:
  selector: { app: burn }
  ports: [{ port: 8080 }]
`;

/** The Deployment's replica count, as the autoscaler last set it. */
const replicas = async () =>
  Number(await kubectl('get', 'deploy', 'burn', '-o', 'jsonpath={.spec.replicas}'));

describe.skipIf(!hasKubectl)(
  `Autoscaling with kubectl${hasKubectl ? '' : ` (${noKubectl})`}`,
  () => {
    test('kubectl autoscale writes autoscaling/v1; the autoscaler is the same object at v2', async () => {
      const file = path.join(cluster!.kubectl.home, 'burn.yaml');
      writeFileSync(file, burner);
      await kubectl('apply', '-f', file);
      expect(
        (
          await kubectl('autoscale', 'deployment', 'burn', '--cpu-percent=50', '--min=1', '--max=5')
        ).trim(),
        'kubectl autoscale deployment burn --cpu-percent=50 --min=1 --max=5',
      ).toBe('horizontalpodautoscaler.autoscaling/burn autoscaled');
      const v1 = JSON.parse(
        await kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'burn', '-o', 'json'),
      );
      expect(v1, 'the autoscaler read at autoscaling/v1').toMatchObject({
        apiVersion: 'autoscaling/v1',
        spec: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      });
      const v2 = JSON.parse(await kubectl('get', 'hpa', 'burn', '-o', 'json'));
      expect(
        v2.spec.metrics,
        'the same autoscaler at autoscaling/v2, the preferred version',
      ).toEqual([
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ]);
    });

    test('under load the Deployment scales out to at least 3, and back to 1 after it, with Events', async () => {
      // A short scale-down window, so that the test need not wait the default 300 s.
      await kubectl(
        'patch',
        'hpa',
        'burn',
        '--type=merge',
        '-p',
        '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":3}}}}',
      );
      await kubectl('rollout', 'status', 'deployment/burn', '--timeout=60s');
      const ip = await kubectl('get', 'svc', 'burn', '-o', 'jsonpath={.spec.clusterIP}');
      const stop = new AbortController();
      const url = `http://${ip}:8080/?ms=80`;
      const load = runLoad(
        { url, rps: 8, durationMs: 90_000, timeoutMs: 10_000 },
        () => {},
        stop.signal,
      );
      try {
        await waitFor(
          async () => (await replicas()) >= 3,
          'the Deployment under load to reach 3 replicas',
          60_000,
        );
      } finally {
        stop.abort();
        await load;
      }
      await waitFor(
        async () => (await replicas()) === 1,
        'the Deployment to come back to 1 replica once the load stopped',
        60_000,
      );
      const events = await kubectl(
        'get',
        'events',
        '--field-selector',
        'reason=SuccessfulRescale',
        '-o',
        'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
      );
      expect(events, 'the SuccessfulRescale Events of the autoscaler').toMatch(/above target/);
      expect(events, 'the SuccessfulRescale Events of the autoscaler').toMatch(
        /New size: 1; reason: All metrics below target/,
      );
    });
  },
);

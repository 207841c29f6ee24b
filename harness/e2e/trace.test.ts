// Seeing inside a cluster (#33), on a one-node reference cluster that traces, as `kata up` starts
// it: after `kubectl apply` of the hello example, the traces the components wrote hold one tree
// from the Deployment's write through the controller-manager, the scheduler and the kubelet to
// kube-proxy (`kata trace deployment/hello`); a pod's stored revisions name the scheduler and the
// kubelet as their writers (`kata history`); and the API server answers /metrics with
// apiserver_request_total (to the admin and the group system:monitoring, not to anonymous) and
// /readyz?verbose with its checks. Last, `kata dashboard` on the cluster in a real Chromium: a
// scale adds tiles without a reload, a killed kubelet marks its node, a screenshot is kept
// (KATA_DASHBOARD_SCREENSHOT). Skipped without kubectl; the dashboard test without Chromium.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { Service } from '../api/types.ts';
import { traceDir } from '../cluster/arguments.ts';
import { readClusterState } from '../cluster/state.ts';
import { loadReference } from '../components/implementation.ts';
import { openDashboard } from '../kata/cluster/dashboard-verb.ts';
import { readManifests } from '../kata/cluster/object-verbs.ts';
import { repoRoot } from '../paths.ts';
import { coloursIn, findChromium, launchChromium, noChromium } from '../testing/chromium.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { renderHistory, storedRevisions } from '../trace/history.ts';
import { readTraceDir } from '../trace/otlp.ts';
import { keyOf, traceSteps } from '../trace/waterfall.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;
const chromiumPath = findChromium();

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
      const anonymous = await cluster!.kubectl.run(
        'get',
        '--raw',
        '/metrics',
        '--as',
        'system:anonymous',
      );
      expect(anonymous.stderr, '/metrics as system:anonymous').toContain(
        'Error from server (Forbidden): forbidden: User "system:anonymous" cannot get path "/metrics"',
      );
      const monitor = ['--as', 'prometheus', '--as-group', 'system:monitoring'];
      expect(
        await kubectl('get', '--raw', '/metrics', ...monitor),
        '/metrics as a member of system:monitoring',
      ).toContain('apiserver_request_total');
      expect(await kubectl('get', '--raw', '/readyz?verbose'), '/readyz?verbose').toContain(
        '[+]etcd ok\nreadyz check passed',
      );
    });

    // Last: it kills node-1's kubelet.
    test.skipIf(!chromiumPath)(
      `kata dashboard shows it live: a scale adds tiles, a killed kubelet marks its node${chromiumPath ? '' : ` (${noChromium})`}`,
      async () => {
        const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-dashboard-e2e-'));
        const state = readClusterState(cluster!.dataDir)!;
        const open = await openDashboard(state, cluster!.dataDir);
        const browser = await launchChromium(chromiumPath!, folder);
        try {
          const page = await browser.newPage();
          const pageErrors: string[] = [];
          page.on('pageerror', (error) => pageErrors.push(error.message));
          await page.goto(open.dashboard.url);
          const tiles = page.locator('.node[data-node="node-1"] .tile');
          const count = (wanted: number) =>
            waitFor(
              async () => (await tiles.count()) === wanted,
              `${wanted} tiles on node-1`,
              30_000,
            );
          await count(3);
          await page.evaluate('window.sameDocument = true');
          await kubectl('scale', 'deployment/hello', '--replicas', '5');
          await count(5);
          expect(await page.evaluate('window.sameDocument'), 'the page was not reloaded').toBe(
            true,
          );
          await page.locator('tr.chain .link', { hasText: 'default/hello' }).click();
          await page
            .locator('#waterfall .component', { hasText: 'scheduler' })
            .first()
            .waitFor({ timeout: 20_000 });
          await fetch(`${state.control}/kill/kubelet-node-1`, { method: 'POST' });
          const box = page.locator('.node[data-node="node-1"].kubelet-down');
          await box.waitFor({ timeout: 20_000 });
          const png = await page.screenshot({ fullPage: true });
          // KATA_DASHBOARD_SCREENSHOT=file keeps it (CI keeps it as an artifact).
          if (process.env.KATA_DASHBOARD_SCREENSHOT)
            writeFileSync(process.env.KATA_DASHBOARD_SCREENSHOT, png);
          expect(
            await coloursIn(browser, png),
            'distinct colours in the screenshot',
          ).toBeGreaterThan(3);
          expect(pageErrors, "the page's script errors").toEqual([]);
        } finally {
          await browser.close();
          await open.close();
          rmSync(folder, { recursive: true, force: true });
        }
      },
      90_000,
    );
  },
);

// The chaos run, short: `kata up`'s composer starts a cluster of real processes (three nodes, on
// ephemeral ports, a temporary data directory and node addresses of their own, 127.20.0.221 on),
// a Deployment of 20 pods rolls to a new template, and one component of every kind (the store,
// the API server, the controller-manager, the scheduler, a kubelet, a proxy) is killed with
// SIGKILL and restarted, in an order the seed decides (harness/testing/chaos.ts). Then the
// Deployment must be complete, every Service's Endpoints exactly its Ready pods, every component
// running, every acknowledged write read back, and the store's revision never have gone
// backwards. `npx kata bench chaos` is the long run. A failure names its seed: run it again with
// the same one (CHAOS_SEED) to see the same kills in the same order.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { componentKinds } from '../course.ts';
import { startCluster, useEverywhere, type RunningCluster } from '../cluster/start.ts';
import { chaosSummary, runChaos } from '../testing/chaos.ts';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 23);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-chaos-'));
let cluster: RunningCluster | undefined;
/** Set once the run passed: a failed run's data directory is kept, for its logs. */
let passed = false;

afterAll(async () => {
  await cluster?.stop();
  if (passed) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`the chaos run's data directory, with each component's log: ${dataDir}`);
});

describe('The cluster under chaos', () => {
  test(`every kind of component killed during a rolling update, and nothing lost (seed ${SEED})`, async () => {
    cluster = await startCluster({
      nodes: 3,
      dataDir,
      fresh: true,
      use: useEverywhere('solutions'),
      storePort: 0,
      apiserverPort: 0,
      kubeletPort: 0,
      nodeIndexBase: 220,
      serviceClusterIpRange: '127.104.0.0/16',
      // Above the kubelets' 10 s Lease renewal (see cluster.test.ts).
      nodeMonitorGracePeriod: '20s',
      print: () => {},
    });
    const lines: string[] = [];
    const report = await runChaos({
      apiserver: cluster.apiserver,
      controlUrl: cluster.controlUrl,
      pods: 20,
      // One pod at a time, so that the rolling update is still going when most kills land.
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      durationMs: 0,
      seed: SEED,
      victims: 'each kind once',
      settleTimeoutMs: 240_000,
      print: (line) => {
        lines.push(line);
        console.log(line);
      },
    });
    const story = [...lines, ...chaosSummary(report)].join('\n');
    console.log(`chaos run, seed ${SEED}:\n${story}`);
    expect(
      new Set(report.kills.map((kill) => kill.component.replace(/-node-\d+$/, ''))),
      story,
    ).toEqual(new Set(componentKinds));
    expect(report.notRunning, story).toEqual([]);
    expect(report.acknowledged, story).toBeGreaterThan(0);
    expect(report.lost, story).toEqual([]);
    expect(report.storeRevisions.backwards, story).toEqual([]);
    expect(report.listRevisions.backwards, story).toEqual([]);
    expect(report.storeRevisions.samples, story).toBeGreaterThan(0);

    await cluster.stop();
    await waitFor(
      () => processesOf(dataDir).length === 0,
      'every process of the cluster to exit',
      30_000,
    );
    passed = true;
  }, 600_000);
});

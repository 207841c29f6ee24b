// The kubelet on the process runtime: every container a real child process, listening on its pod's
// own loopback IP. Slower than the fake (a process takes a tenth of a second to start), so only
// what needs real processes is here.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { isAlive, ProcessRuntime } from '../../harness/runtime/process-runtime.ts';
import { sayWhyOwnIpTestsSkip, singleAddressMode } from '../../harness/testing/network-mode.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';

const scope = testScope();
const nodes: {
  runtime: ProcessRuntime;
  stateDir: string;
  stop: AbortController;
  kubelet: Promise<void>;
}[] = [];

afterEach(async () => {
  for (const { runtime, stateDir, stop, kubelet } of nodes.splice(0)) {
    // The kubelet first: still running, it would start again a container that close() stopped.
    // (run() returns once stopped; a kubelet that does not is given 10 s, then left.)
    stop.abort();
    await Promise.race([
      kubelet.catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    await runtime.close({ stopAll: true, timeoutSeconds: 1 });
    rmSync(stateDir, { recursive: true, force: true });
  }
});

async function setUp(podCidr: string) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kata-kubelet-'));
  const runtime = new ProcessRuntime({ stateDir, podCidr });
  const stop = new AbortController();
  const kubelet = createKubelet({
    nodeName: 'node-1',
    nodeIp: '127.20.0.1',
    podCidr,
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    toolkit,
    client,
    runtime,
    relistMs: 100,
  }).run(stop.signal);
  inBackground(kubelet);
  nodes.push({ runtime, stateDir, stop, kubelet });
  const pods = client.resource<Pod>('pods', 'default');
  return { pods, runtime };
}

/** An echo pod on node-1, listening on 8080. */
function echoPod(name: string): Pod {
  const pod = examplePod(name);
  pod.spec.nodeName = 'node-1';
  pod.spec.containers[0]!.ports = [{ containerPort: 8080 }];
  return pod;
}

describe.skipIf(singleAddressMode)('Real processes', () => {
  sayWhyOwnIpTestsSkip();
  test('an echo pod answers HTTP on its own pod IP, with its name', async () => {
    // Pod ranges of this file's own, one per test, so no two tests ever share an IP.
    const { pods } = await setUp('127.244.203.0/24');
    await pods.create(echoPod('hello'));
    await waitFor(
      async () => (await pods.get('hello')).status?.phase === 'Running',
      'Running',
      20_000,
    );
    const { podIP } = (await pods.get('hello')).status!;
    let answer = '';
    await waitFor(async () => {
      answer = await fetch(`http://${podIP}:8080/`).then(
        (response) => response.text(),
        () => '',
      );
      return answer !== '';
    }, `an answer from http://${podIP}:8080/`);
    expect(answer, `GET http://${podIP}:8080/`).toContain('hello');
  });

  test('deleting the pod ends its process', async () => {
    const { pods, runtime } = await setUp('127.244.204.0/24');
    await pods.create(echoPod('short-lived'));
    await waitFor(
      async () => (await pods.get('short-lived')).status?.phase === 'Running',
      'Running',
      20_000,
    );
    let [container] = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    await waitFor(async () => {
      [container] = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
      return container !== undefined;
    }, 'a running container');
    expect(isAlive(container!.pid), 'the process, before the delete').toBe(true);
    await pods.delete('short-lived');
    await waitFor(() => !isAlive(container!.pid), 'the process to end', 20_000);
  });
});

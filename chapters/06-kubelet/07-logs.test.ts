// Logs: the kubelet's own API on the node, and the API server passing `kubectl logs` on to it.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { containerNameLabel, podNameLabel, podNamespaceLabel } from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';
import { serveKubeletApi } from './kubelet-server.ts';

const scope = testScope();

/** A fake runtime with one running container, app of pod default/web, that wrote three lines. */
async function runtimeWithLog() {
  const runtime = new FakeRuntime();
  const labels = { [podNameLabel]: 'web', [podNamespaceLabel]: 'default' };
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 },
    labels,
  });
  await runtime.pullImage('kata/echo');
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
    labels: { ...labels, [containerNameLabel]: 'app' },
  });
  await runtime.startContainer(id);
  for (const line of ['one', 'two', 'three']) runtime.writeLog(id, line);
  return runtime;
}

describe('Logs', () => {
  test("the kubelet API serves a container's log, all of it or its last lines", async () => {
    const api = await serveKubeletApi(await runtimeWithLog(), '127.0.0.1', 0);
    try {
      const all = await fetch(`${api.url}/containerLogs/default/web/app`);
      expect([all.status, await all.text()], 'GET /containerLogs/default/web/app').toEqual([
        200,
        'one\ntwo\nthree\n',
      ]);
      const tail = await fetch(`${api.url}/containerLogs/default/web/app?tailLines=1`);
      expect(await tail.text(), 'with tailLines=1').toBe('three\n');
      const missing = await fetch(`${api.url}/containerLogs/default/web/nope`);
      expect(missing.status, 'a container that is not there').toBe(404);
    } finally {
      await api.close();
    }
  });

  test("kubectl logs' request: the API server passes pods/log on to the pod's node", async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const runtime = new FakeRuntime({ clock });
    inBackground(
      createKubelet({
        nodeName: 'node-1',
        nodeIp: '127.0.0.1',
        podCidr: '127.244.0.0/24',
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        port: 0,
        toolkit,
        client,
        runtime,
        clock,
      }).run(scope.stopper().signal),
    );
    const pods = client.resource<Pod>('pods', 'default');
    const pod = examplePod('talker');
    pod.spec.nodeName = 'node-1';
    await pods.create(pod);
    await waitFor(async () => (await pods.get('talker')).status?.phase === 'Running', 'Running');
    const [container] = await runtime.listContainers();
    runtime.writeLog(container!.id, 'hello from talker');
    const path = '/api/v1/namespaces/default/pods/talker/log';
    const answer = await fetch(`${server.url}${path}`);
    expect([answer.status, await answer.text()], `GET ${path}`).toEqual([
      200,
      'hello from talker\n',
    ]);
    const wrong = await fetch(`${server.url}${path}?container=nope`);
    expect(
      [wrong.status, ((await wrong.json()) as { reason: string }).reason],
      'container=nope',
    ).toEqual([400, 'BadRequest']);
  });
});

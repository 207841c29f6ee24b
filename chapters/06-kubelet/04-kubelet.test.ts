// The kubelet running pods, against the reference API server, on the fake runtime (a test double:
// containers are records, and the test says when one exits) and a fake clock for the back-offs.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod, Service } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  const options = {
    nodeName: 'node-1',
    nodeIp: '127.20.0.1',
    podCidr: '127.244.0.0/24',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    toolkit,
    client,
    runtime,
    clock,
  };
  inBackground(createKubelet(options).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  /** Creates a pod already bound to `node` (as if a scheduler had placed it). */
  const run = (pod: Pod, node = 'node-1') => {
    pod.spec.nodeName = node;
    return pods.create(pod);
  };
  const status = async (name: string) => (await pods.get(name)).status;
  const containers = async () => (await runtime.listContainers()).filter((c) => c.labels);
  return { client, clock, runtime, pods, run, status, containers, options };
}

describe('Running pods', () => {
  test('a pod bound to this node gets a sandbox and its containers, and is Running with its IPs', async () => {
    const { run, status, runtime } = await setUp();
    await run(examplePod('web'));
    await waitFor(async () => (await status('web'))?.phase === 'Running', 'web to be Running');
    const written = (await status('web'))!;
    expect([written.podIP, written.hostIP], 'podIP, hostIP').toEqual(['127.244.0.2', '127.20.0.1']);
    expect(written.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      ready: true,
      restartCount: 0,
    });
    expect(written.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(runtime.callsTo('createContainer').length, 'containers created').toBe(1);
  });

  test('a pod bound to another node is not this kubelet’s', async () => {
    const { run, runtime, pods } = await setUp();
    await run(examplePod('theirs'), 'node-2');
    await run(examplePod('mine'));
    await waitFor(async () => (await pods.get('mine')).status?.phase === 'Running', 'mine Running');
    expect(
      (await pods.get('theirs')).status?.containerStatuses,
      "the other node's pod: no container statuses from this kubelet",
    ).toBeUndefined();
    expect(runtime.callsTo('runPodSandbox').length, 'sandboxes made').toBe(1);
  });

  test('the containers get the env the pod spec gives them', async () => {
    const { run, status, runtime } = await setUp();
    const pod = examplePod('env');
    pod.spec.containers[0]!.env = [{ name: 'GREETING', value: 'hello' }];
    pod.spec.containers[0]!.args = ['--text=hi'];
    await run(pod);
    await waitFor(async () => (await status('env'))?.phase === 'Running', 'Running');
    const [created] = runtime.callsTo('createContainer');
    expect(created!.args[1]).toMatchObject({
      env: [{ name: 'GREETING', value: 'hello' }],
      args: ['--text=hi'],
    });
  });

  test("a container finds its namespace's Services in its environment", async () => {
    const { run, runtime, client } = await setUp();
    await client.resource<Service>('services', 'default').create({
      metadata: { name: 'web-api' },
      spec: { clusterIP: '127.96.0.50', ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await waitFor(async () => {
      await run(examplePod(`client-${runtime.callsTo('createContainer').length}`));
      await waitFor(async () => runtime.callsTo('createContainer').length > 0, 'a container');
      const env = runtime.callsTo('createContainer').at(-1)!.args[1] as { env: { name: string }[] };
      return env.env.some((variable) => variable.name === 'WEB_API_SERVICE_HOST');
    }, 'a container started after the Service');
    const { env } = runtime.callsTo('createContainer').at(-1)!.args[1] as {
      env: { name: string; value: string }[];
    };
    expect(env.filter((variable) => variable.name.startsWith('WEB_API_'))).toEqual([
      { name: 'WEB_API_SERVICE_HOST', value: '127.96.0.50' },
      { name: 'WEB_API_SERVICE_PORT', value: '80' },
      { name: 'WEB_API_SERVICE_PORT_HTTP', value: '80' },
    ]);
  });

  test('a container that exits is restarted at once, then after 10 s in CrashLoopBackOff', async () => {
    const { run, status, runtime, clock } = await setUp();
    await run(examplePod('crashy'));
    await waitFor(async () => (await status('crashy'))?.phase === 'Running', 'Running');
    const running = async () => (await runtime.listContainers({ state: 'CONTAINER_RUNNING' }))[0];

    runtime.exitContainer((await running())!.id, 1);
    clock.advance(1000); // the relist notices
    await waitFor(
      async () => (await status('crashy'))?.containerStatuses?.[0]?.restartCount === 1,
      'the first restart, at once',
    );
    runtime.exitContainer((await running())!.id, 1);
    clock.advance(1000);
    await waitFor(
      async () =>
        (await status('crashy'))?.containerStatuses?.[0]?.state?.waiting?.reason ===
        'CrashLoopBackOff',
      'CrashLoopBackOff after the second exit',
    );
    const waiting = (await status('crashy'))!.containerStatuses![0]!;
    expect(waiting.state?.waiting?.message).toMatch(
      /^back-off 10s restarting failed container=app/,
    );
    expect(waiting.lastState?.terminated?.exitCode, 'lastState').toBe(1);
    clock.advance(9000);
    await waitFor(
      async () => (await status('crashy'))?.containerStatuses?.[0]?.restartCount === 2,
      'the second restart, 10 s after the exit',
    );
  });

  test('restartPolicy Never: an exit is final, and a failure makes the pod Failed', async () => {
    const { run, status, runtime, clock } = await setUp();
    const pod = examplePod('once');
    pod.spec.restartPolicy = 'Never';
    await run(pod);
    await waitFor(async () => (await status('once'))?.phase === 'Running', 'Running');
    const [container] = await runtime.listContainers();
    runtime.exitContainer(container!.id, 2);
    clock.advance(1000);
    await waitFor(async () => (await status('once'))?.phase === 'Failed', 'Failed');
    expect((await status('once'))?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(2);
  });

  test('restartPolicy OnFailure: a clean exit makes the pod Succeeded', async () => {
    const { run, status, runtime, clock } = await setUp();
    const pod = examplePod('job');
    pod.spec.restartPolicy = 'OnFailure';
    await run(pod);
    await waitFor(async () => (await status('job'))?.phase === 'Running', 'Running');
    const [container] = await runtime.listContainers();
    runtime.exitContainer(container!.id, 0);
    clock.advance(1000);
    await waitFor(async () => (await status('job'))?.phase === 'Succeeded', 'Succeeded');
  });

  test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff until the next try', async () => {
    const { run, status, runtime, clock } = await setUp();
    runtime.makeImageUnknown('no-such-image');
    const pod = examplePod('bad-image');
    pod.spec.containers[0]!.image = 'no-such-image:1.0';
    await run(pod);
    const waiting = async () => (await status('bad-image'))?.containerStatuses?.[0]?.state?.waiting;
    await waitFor(async () => (await waiting())?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    expect((await waiting())?.message).toBe('Back-off pulling image "no-such-image:1.0"');
    expect((await status('bad-image'))?.phase).toBe('Pending');
    expect(runtime.callsTo('pullImage').length, 'pulls during the back-off').toBe(1);
    clock.advance(10_000);
    await waitFor(
      async () => runtime.callsTo('pullImage').length === 2,
      'a second pull after 10 s',
    );
  });

  test('a pod deleted gracefully has its containers stopped within its grace, then is removed', async () => {
    const { run, status, runtime, pods } = await setUp();
    const pod = examplePod('gone');
    pod.spec.terminationGracePeriodSeconds = 5;
    await run(pod);
    await waitFor(async () => (await status('gone'))?.phase === 'Running', 'Running');
    await pods.delete('gone');
    await waitFor(async () => (await runtime.listPodSandbox()).length === 0, 'the sandbox removed');
    expect(
      runtime.callsTo('stopContainer').map((call) => call.args[1]),
      'the grace each stop was given',
    ).toEqual([5]);
    await waitFor(
      async () => (await pods.list()).items.every((item) => item.metadata.name !== 'gone'),
      'the pod to be gone from the API',
    );
  });

  test('a kubelet that restarts adopts the containers that run instead of starting them again', async () => {
    const { run, status, runtime, client, options, clock } = await setUp();
    await run(examplePod('kept'));
    await waitFor(async () => (await status('kept'))?.phase === 'Running', 'Running');
    const created = runtime.callsTo('createContainer').length;
    inBackground(createKubelet({ ...options, client, clock }).run(scope.stopper().signal));
    clock.advance(1000);
    await waitFor(
      async () => runtime.callsTo('listContainers').length > 3,
      'the new kubelet to look',
    );
    expect(runtime.callsTo('createContainer').length, 'containers created in all').toBe(created);
  });
});

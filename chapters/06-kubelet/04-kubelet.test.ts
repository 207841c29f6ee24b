// Running pods, in three steps. First the pure translations between the pod spec and the runtime's
// words (containers.ts). Then the kubelet's steps for one pod, called directly, on the fake runtime
// (a test double: containers are records, and the test says when one exits) and a fake clock.
// Last the whole loop, against the reference API server: informer, queue, relist.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod, Service } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  podUidLabel,
  type ContainerConfig,
  type ContainerStatus as RuntimeStatus,
} from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  changedPods,
  containerConfig,
  newestAttempt,
  sandboxConfig,
  serviceEnvironment,
} from './containers.ts';
import { createKubelet } from './kubelet.ts';

const scope = testScope();

/** examplePod(name) as the API server would hand it over: in default, with a uid. */
function storedPod(name: string, uid = `uid-${name}`): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = 'default';
  pod.metadata.uid = uid;
  pod.spec.nodeName = 'node-1';
  return pod;
}

/** A Service in default with a ClusterIP and the given ports. */
function service(
  name: string,
  ports: { name?: string; port: number }[],
  clusterIP = '127.96.0.50',
) {
  return {
    metadata: { name, namespace: 'default' },
    spec: { clusterIP, ports: ports.map((port) => ({ ...port, targetPort: port.port })) },
  } as Service;
}

/** A runtime container status, as listContainers gives it, for the relist. */
function listed(id: string, pod: string, state: RuntimeStatus['state']): RuntimeStatus {
  return {
    id,
    podSandboxId: 's1',
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
    state,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 0,
    exitCode: 0,
    reason: '',
    message: '',
    pid: 0,
    logPath: '',
    labels: { [podNamespaceLabel]: 'default', [podNameLabel]: pod },
    annotations: {},
  };
}

const nodeOptions = {
  nodeName: 'node-1',
  nodeIp: '127.20.0.1',
  podCidr: '127.244.0.0/24',
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  toolkit,
};

/** A kubelet that is not running, for calling its steps one by one, with its API server. */
async function steps() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  const kubelet = createKubelet({ ...nodeOptions, client, runtime, clock });
  const pods = client.resource<Pod>('pods', 'default');
  /** Creates examplePod(name) in the API, bound to node-1, and answers the stored object. */
  const create = (name: string, change: (pod: Pod) => void = () => {}) => {
    const pod = examplePod(name);
    pod.spec.nodeName = 'node-1';
    change(pod);
    return pods.create(pod);
  };
  const status = async (name: string) => (await pods.get(name)).status;
  return { kubelet, runtime, clock, pods, create, status };
}

/** A running kubelet on the fake runtime, against its own API server. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  const options = { ...nodeOptions, client, runtime, clock };
  inBackground(createKubelet(options).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  /** Creates a pod already bound to `node` (as if a scheduler had placed it). */
  const run = (pod: Pod, node = 'node-1') => {
    pod.spec.nodeName = node;
    return pods.create(pod);
  };
  const status = async (name: string) => (await pods.get(name)).status;
  return { client, clock, runtime, pods, run, status, options };
}

describe('Running pods', () => {
  test("a pod's sandbox is named after it, and labelled with its name, namespace and uid", () => {
    const pod = storedPod('web', 'u-1');
    expect(sandboxConfig(pod), 'sandboxConfig(default/web, uid u-1)').toEqual({
      metadata: { name: 'web', namespace: 'default', uid: 'u-1', attempt: 0 },
      hostname: 'web',
      labels: { [podNameLabel]: 'web', [podNamespaceLabel]: 'default', [podUidLabel]: 'u-1' },
    });
    pod.spec.hostname = 'frontend';
    expect(sandboxConfig(pod).hostname, 'the hostname with spec.hostname frontend').toBe(
      'frontend',
    );
  });

  test('the newest attempt of a container is the one with the highest attempt number', () => {
    const attempt = (n: number) => ({
      ...listed(`c${n}`, 'web', 'CONTAINER_EXITED'),
      metadata: { name: 'app', attempt: n },
    });
    expect(
      newestAttempt([attempt(1), attempt(3), attempt(0), attempt(2)])?.id,
      'newestAttempt of attempts 1, 3, 0, 2 (listed in that order)',
    ).toBe('c3');
    expect(newestAttempt([]), 'newestAttempt of no attempts').toBeUndefined();
  });

  test('a Service named web-api gives WEB_API_SERVICE_HOST and WEB_API_SERVICE_PORT', () => {
    expect(
      serviceEnvironment([service('web-api', [{ port: 80 }, { port: 81 }])]),
      'serviceEnvironment of web-api, ClusterIP 127.96.0.50, unnamed ports 80 and 81',
    ).toEqual([
      { name: 'WEB_API_SERVICE_HOST', value: '127.96.0.50' },
      { name: 'WEB_API_SERVICE_PORT', value: '80' },
    ]);
  });

  test('each named port gets a variable of its own; a headless Service or one without ports, none', () => {
    expect(
      serviceEnvironment([
        service('db', [
          { name: 'sql', port: 5432 },
          { name: 'admin-ui', port: 8081 },
        ]),
      ]),
      'serviceEnvironment of db with ports sql 5432 and admin-ui 8081',
    ).toEqual([
      { name: 'DB_SERVICE_HOST', value: '127.96.0.50' },
      { name: 'DB_SERVICE_PORT', value: '5432' },
      { name: 'DB_SERVICE_PORT_SQL', value: '5432' },
      { name: 'DB_SERVICE_PORT_ADMIN_UI', value: '8081' },
    ]);
    expect(
      serviceEnvironment([service('headless', [{ port: 80 }], 'None'), service('empty', [])]),
      'serviceEnvironment of a Service with clusterIP None and of one without ports',
    ).toEqual([]);
  });

  test("a container's config carries its image, command, args, ports and working directory", () => {
    const pod = storedPod('web');
    const container = {
      name: 'app',
      image: 'kata/echo:1.0',
      command: ['echo-server'],
      args: ['--text=hi'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' as const }],
      workingDir: '/srv',
      stdin: true,
      stdinOnce: true,
      tty: true,
    };
    expect(
      containerConfig(pod, container, 2, []),
      'containerConfig of app (image, command, args, one port, workingDir, stdin, tty), attempt 2',
    ).toMatchObject({
      metadata: { name: 'app', attempt: 2 },
      image: 'kata/echo:1.0',
      command: ['echo-server'],
      args: ['--text=hi'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      workingDir: '/srv',
      stdin: true,
      stdinOnce: true,
      tty: true,
    });
  });

  test("a container's env has the Services' variables, then its own; its labels name its pod and itself", () => {
    const pod = storedPod('web', 'u-1');
    const container = {
      name: 'app',
      image: 'kata/echo:1.0',
      env: [{ name: 'GREETING', value: 'hello' }, { name: 'EMPTY' }],
    };
    const config = containerConfig(pod, container, 0, [service('db', [{ port: 5432 }])]);
    expect(config.env, 'env with Service db and the container env GREETING=hello, EMPTY').toEqual([
      { name: 'DB_SERVICE_HOST', value: '127.96.0.50' },
      { name: 'DB_SERVICE_PORT', value: '5432' },
      { name: 'GREETING', value: 'hello' },
      { name: 'EMPTY', value: '' },
    ]);
    expect(config.labels, 'the labels of container app of default/web, uid u-1').toEqual({
      [podNameLabel]: 'web',
      [podNamespaceLabel]: 'default',
      [podUidLabel]: 'u-1',
      [containerNameLabel]: 'app',
    });
  });

  test('the relist names the pods whose containers are new or changed state since the last look', () => {
    const first = changedPods(new Map(), [
      listed('c1', 'web', 'CONTAINER_RUNNING'),
      listed('c2', 'db', 'CONTAINER_RUNNING'),
    ]);
    expect(
      [...first.keys].sort(),
      'pods named at the first look, c1 (web) and c2 (db) new',
    ).toEqual(['default/db', 'default/web']);
    const second = changedPods(first.states, [
      listed('c1', 'web', 'CONTAINER_EXITED'),
      listed('c2', 'db', 'CONTAINER_RUNNING'),
    ]);
    expect([...second.keys], 'pods named after c1 (web) exited, c2 (db) still running').toEqual([
      'default/web',
    ]);
    const third = changedPods(second.states, [
      listed('c1', 'web', 'CONTAINER_EXITED'),
      listed('c2', 'db', 'CONTAINER_RUNNING'),
    ]);
    expect([...third.keys], 'pods named when nothing changed').toEqual([]);
    expect(third.states.get('c1'), "c1's state kept for the next look").toBe('CONTAINER_EXITED');
  });

  test("ensureSandbox makes a pod's sandbox once, with an IP from the node's range, then finds it", async () => {
    const { kubelet, runtime } = await steps();
    const pod = storedPod('web');
    const sandbox = await kubelet.ensureSandbox(pod);
    expect(
      [sandbox.ip, sandbox.state, sandbox.labels[podUidLabel]],
      "the first pod's sandbox: IP (the first of 127.244.0.0/24 a pod gets), state, uid label",
    ).toEqual(['127.244.0.2', 'SANDBOX_READY', 'uid-web']);
    const again = await kubelet.ensureSandbox(pod);
    expect(again.id, 'ensureSandbox a second time: the same sandbox').toBe(sandbox.id);
    expect(runtime.callsTo('runPodSandbox').length, 'sandboxes made for the pod').toBe(1);
  });

  test('startContainer pulls the image, then creates the attempt from its config and starts it', async () => {
    const { kubelet, runtime } = await steps();
    const pod = storedPod('web');
    const sandbox = await kubelet.ensureSandbox(pod);
    const held = await kubelet.startContainer(pod, sandbox, pod.spec.containers[0]!, 0);
    expect(held, 'what startContainer answers when the container started').toBeUndefined();
    expect(
      runtime.calls.map((call) => call.method).filter((m) => m !== 'listPodSandbox'),
      'the runtime calls, in order (after the sandbox)',
    ).toEqual([
      'runPodSandbox',
      'podSandboxStatus',
      'pullImage',
      'createContainer',
      'startContainer',
    ]);
    const [created] = runtime.callsTo('createContainer');
    expect(
      created!.args,
      'createContainer: the sandbox, and containerConfig(pod, app, 0, [])',
    ).toEqual([sandbox.id, containerConfig(pod, pod.spec.containers[0]!, 0, [])]);
    const [container] = await runtime.listContainers();
    expect(container?.state, 'the container in the runtime afterwards').toBe('CONTAINER_RUNNING');
  });

  test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff without pulling until the next try', async () => {
    const { kubelet, runtime, clock } = await steps();
    runtime.makeImageUnknown('no-such-image');
    const pod = storedPod('bad-image');
    const container = { name: 'app', image: 'no-such-image:1.0' };
    const sandbox = await kubelet.ensureSandbox(pod);
    expect(
      await kubelet.startContainer(pod, sandbox, container, 0),
      'startContainer of an image the runtime cannot pull',
    ).toEqual({
      reason: 'ErrImagePull',
      message: 'Failed to pull image "no-such-image:1.0": not found',
    });
    clock.advance(9_999);
    expect(
      await kubelet.startContainer(pod, sandbox, container, 0),
      'startContainer 9.999 s after the failed pull',
    ).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "no-such-image:1.0"',
    });
    expect(runtime.callsTo('pullImage').length, 'pulls during the back-off').toBe(1);
    clock.advance(1);
    expect(
      (await kubelet.startContainer(pod, sandbox, container, 0))?.reason,
      'the reason after a second pull, 10 s after the first, fails again',
    ).toBe('ErrImagePull');
    expect(runtime.callsTo('pullImage').length, 'pulls once the 10 s have passed').toBe(2);
  });

  test("writeStatus reports what runs: Running, the pod's IP and the node's, the container ready", async () => {
    const { kubelet, create, status } = await steps();
    const pod = await create('web');
    const sandbox = await kubelet.ensureSandbox(pod);
    await kubelet.startContainer(pod, sandbox, pod.spec.containers[0]!, 0);
    await kubelet.writeStatus(pod, sandbox, new Map());
    const written = await status('web');
    expect(
      [written?.phase, written?.podIP, written?.hostIP],
      "the status in the API: phase, podIP (the sandbox's), hostIP (the node's)",
    ).toEqual(['Running', '127.244.0.2', '127.20.0.1']);
    expect(written?.containerStatuses?.[0], 'the status of container app').toMatchObject({
      name: 'app',
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
    });
  });

  test('writeStatus shows a container that is held back as waiting, with the reason given', async () => {
    const { kubelet, create, status } = await steps();
    const pod = await create('stuck');
    const sandbox = await kubelet.ensureSandbox(pod);
    const held = new Map([['app', { reason: 'ErrImagePull', message: 'not found' }]]);
    await kubelet.writeStatus(pod, sandbox, held);
    const written = await status('stuck');
    expect(
      [written?.phase, written?.containerStatuses?.[0]?.state],
      'phase and state of app, never started, held back as ErrImagePull',
    ).toEqual(['Pending', { waiting: { reason: 'ErrImagePull', message: 'not found' } }]);
  });

  test('writeStatus writes nothing when the pod shows that status already', async () => {
    const { kubelet, create, pods } = await steps();
    const pod = await create('web');
    const sandbox = await kubelet.ensureSandbox(pod);
    await kubelet.startContainer(pod, sandbox, pod.spec.containers[0]!, 0);
    await kubelet.writeStatus(pod, sandbox, new Map());
    const written = await pods.get('web');
    await kubelet.writeStatus(written, sandbox, new Map());
    expect(
      (await pods.get('web')).metadata.resourceVersion,
      'the resourceVersion after writeStatus of a pod whose status says the same already',
    ).toBe(written.metadata.resourceVersion);
  });

  test('writeStatus of a pod that is not the latest version still writes (a 409, then a retry)', async () => {
    const { kubelet, create, pods, status } = await steps();
    const stale = await create('web');
    await toolkit.updateWithRetry(pods, 'web', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, tier: 'front' };
    });
    const sandbox = await kubelet.ensureSandbox(stale);
    await kubelet.startContainer(stale, sandbox, stale.spec.containers[0]!, 0);
    await kubelet.writeStatus(stale, sandbox, new Map());
    expect(
      (await status('web'))?.phase,
      'the phase written from a pod read before a label changed (its resourceVersion is stale)',
    ).toBe('Running');
    expect(
      (await pods.get('web')).metadata.labels?.tier,
      'the label written in between, kept',
    ).toBe('front');
  });

  test("syncPod starts a new pod's containers in its sandbox, and writes that it runs", async () => {
    const { kubelet, runtime, create, status } = await steps();
    const pod = await create('pair', (p) => {
      p.spec.containers.push({ name: 'sidecar', image: 'kata/echo:1.0' });
    });
    await kubelet.syncPod(pod);
    const containers = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    expect(
      containers.map((c) => c.metadata.name).sort(),
      'running containers after one syncPod of a pod with app and sidecar',
    ).toEqual(['app', 'sidecar']);
    expect((await status('pair'))?.phase, 'the phase written').toBe('Running');
  });

  test('syncPod of a pod whose containers run starts nothing new', async () => {
    const { kubelet, runtime, create, pods } = await steps();
    await kubelet.syncPod(await create('web'));
    await kubelet.syncPod(await pods.get('web'));
    expect(
      [runtime.callsTo('runPodSandbox').length, runtime.callsTo('createContainer').length],
      'sandboxes and containers made after two syncPods of the same pod',
    ).toEqual([1, 1]);
  });

  test('syncPod restarts an exited container at once, then holds it in CrashLoopBackOff for 10 s', async () => {
    const { kubelet, runtime, clock, create, pods, status } = await steps();
    await kubelet.syncPod(await create('crashy'));
    const running = async () => (await runtime.listContainers({ state: 'CONTAINER_RUNNING' }))[0]!;
    runtime.exitContainer((await running()).id, 1);
    await kubelet.syncPod(await pods.get('crashy'));
    expect(
      [
        (await running()).metadata.attempt,
        (await status('crashy'))?.containerStatuses?.[0]?.restartCount,
      ],
      'the attempt running and the restartCount after the first exit and a sync',
    ).toEqual([1, 1]);
    runtime.exitContainer((await running()).id, 1);
    clock.advance(1000);
    await kubelet.syncPod(await pods.get('crashy'));
    const waiting = (await status('crashy'))?.containerStatuses?.[0];
    expect(
      waiting?.state?.waiting,
      'the state of app after its second exit, a second later',
    ).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=app pod=crashy_default(${(await pods.get('crashy')).metadata.uid})`,
    });
    expect(waiting?.lastState?.terminated?.exitCode, 'its lastState: how attempt 1 ended').toBe(1);
    clock.advance(9000);
    await kubelet.syncPod(await pods.get('crashy'));
    expect((await running()).metadata.attempt, 'the attempt running 10 s after that exit').toBe(2);
  });

  test('a pod bound to this node gets a sandbox and its containers, and is Running with its IPs', async () => {
    const { run, status, runtime } = await setUp();
    await run(examplePod('web'));
    await waitFor(async () => (await status('web'))?.phase === 'Running', 'web to be Running');
    const written = (await status('web'))!;
    expect([written.podIP, written.hostIP], 'podIP, hostIP').toEqual(['127.244.0.2', '127.20.0.1']);
    expect(written.containerStatuses?.[0], 'the status of container app').toMatchObject({
      name: 'app',
      ready: true,
      restartCount: 0,
    });
    expect(
      written.conditions?.find((c) => c.type === 'Ready')?.status,
      "the pod's Ready condition",
    ).toBe('True');
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
    expect(
      created!.args[1],
      'the config createContainer got for a container with env GREETING=hello and args --text=hi',
    ).toMatchObject({
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
    const lastEnv = () =>
      (runtime.callsTo('createContainer').at(-1)!.args[1] as ContainerConfig).env ?? [];
    await waitFor(async () => {
      await run(examplePod(`client-${runtime.callsTo('createContainer').length}`));
      await waitFor(async () => runtime.callsTo('createContainer').length > 0, 'a container');
      return lastEnv().some((variable) => variable.name === 'WEB_API_SERVICE_HOST');
    }, 'a container started after the Service');
    expect(
      lastEnv().filter((variable) => variable.name.startsWith('WEB_API_')),
      'the WEB_API_ variables of a container started once Service web-api exists',
    ).toEqual([
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
    expect(waiting.state?.waiting?.message, 'the CrashLoopBackOff message').toMatch(
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
    expect(
      (await status('once'))?.containerStatuses?.[0]?.state?.terminated?.exitCode,
      'the exit code the status shows',
    ).toBe(2);
    expect(runtime.callsTo('createContainer').length, 'containers created in all').toBe(1);
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

  test('an image that cannot be pulled is tried again once its back-off has passed', async () => {
    const { run, status, runtime, clock } = await setUp();
    runtime.makeImageUnknown('no-such-image');
    const pod = examplePod('bad-image');
    pod.spec.containers[0]!.image = 'no-such-image:1.0';
    await run(pod);
    const waiting = async () => (await status('bad-image'))?.containerStatuses?.[0]?.state?.waiting;
    await waitFor(async () => (await waiting())?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    expect((await waiting())?.message, 'the ImagePullBackOff message').toBe(
      'Back-off pulling image "no-such-image:1.0"',
    );
    expect((await status('bad-image'))?.phase, 'the phase of a pod whose image is missing').toBe(
      'Pending',
    );
    expect(runtime.callsTo('pullImage').length, 'pulls during the back-off').toBe(1);
    clock.advance(10_000);
    await waitFor(
      async () => runtime.callsTo('pullImage').length === 2,
      'a second pull after 10 s',
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

  test('a pod removed from the API at once still has its containers stopped and its sandbox removed', async () => {
    const { run, status, runtime, pods } = await setUp();
    const pod = examplePod('forced');
    pod.spec.terminationGracePeriodSeconds = 7;
    await run(pod);
    await waitFor(async () => (await status('forced'))?.phase === 'Running', 'Running');
    await pods.delete('forced', { gracePeriodSeconds: 0 });
    await waitFor(async () => (await runtime.listPodSandbox()).length === 0, 'the sandbox removed');
    expect(
      runtime.callsTo('stopContainer').map((call) => call.args[1]),
      'the grace each stop was given: the terminationGracePeriodSeconds last seen',
    ).toEqual([7]);
  });
});

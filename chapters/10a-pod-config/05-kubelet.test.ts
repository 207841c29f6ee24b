// Inside the kubelet: chapter 06's reference kubelet with this chapter's PodConfiguration in its
// seam, on the fake runtime and against the reference API server. The pod's containers get their
// env and mounts, wait for a missing key, run after their init containers, and see a ConfigMap
// change in their files.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ConfigMap, KubeEvent, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import type { ContainerConfig } from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from '../../solutions/06-kubelet/kubelet.ts';
import { createPodConfiguration } from './pod-config.ts';

const scope = testScope();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A kubelet with this chapter's PodConfiguration, running against its own API server. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  const podsDir = mkdtempSync(join(tmpdir(), 'kata-pods-'));
  folders.push(podsDir);
  const allocatable = { cpu: '4', memory: '8Gi' };
  const podConfiguration = createPodConfiguration({
    client,
    toolkit,
    podsDir,
    nodeIp: '127.20.0.1',
    allocatable,
  });
  const kubelet = createKubelet({
    nodeName: 'node-1',
    nodeIp: '127.20.0.1',
    podCidr: '127.244.0.0/24',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    toolkit,
    client,
    runtime,
    clock,
    podConfiguration,
  });
  inBackground(kubelet.run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  const configMaps = client.resource<ConfigMap>('configmaps', 'default');
  const run = (pod: Pod) => pods.create({ ...pod, spec: { ...pod.spec, nodeName: 'node-1' } });
  /** The config the runtime was asked to create for container `name`, once it was. */
  const created = (name: string) =>
    runtime
      .callsTo('createContainer')
      .map((call) => call.args[1] as ContainerConfig)
      .find((config) => config.metadata.name === name);
  const events = async () => (await client.resource<KubeEvent>('events', 'default').list()).items;
  return { client, clock, runtime, pods, configMaps, run, created, events, podsDir };
}

const appPod = (change: (pod: Pod) => void = () => {}): Pod => {
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'kata/echo',
          envFrom: [{ configMapRef: { name: 'app' } }],
          volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'app' } }],
    },
  };
  change(pod);
  return pod;
};

describe('Inside the kubelet', () => {
  test("a container starts with its ConfigMap's keys in its env and its volume mounted", async () => {
    const { configMaps, run, created } = await setUp();
    await configMaps.create({ metadata: { name: 'app' }, data: { greeting: 'hi' } });
    await run(appPod());
    await waitFor(() => created('app') !== undefined, 'the runtime was asked to create app');
    const config = created('app')!;
    expect(config.env, 'the env of app (envFrom ConfigMap app)').toContainEqual({
      name: 'greeting',
      value: 'hi',
    });
    const mount = config.mounts?.find((m) => m.containerPath === '/etc/app');
    expect(
      mount && readFileSync(join(mount.hostPath, 'greeting'), 'utf8'),
      'the file greeting in the volume mounted at /etc/app',
    ).toBe('hi');
  });

  test('a missing ConfigMap key holds the container in CreateContainerConfigError, with an Event; the key makes it start', async () => {
    const { configMaps, pods, run, created, events } = await setUp();
    await configMaps.create({ metadata: { name: 'app' }, data: { color: 'blue' } });
    await run(
      appPod(
        (p) =>
          (p.spec.containers[0]!.env = [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app', key: 'greeting' } } },
          ]),
      ),
    );
    const waiting = async () =>
      (await pods.get('web')).status?.containerStatuses?.[0]?.state?.waiting;
    await waitFor(
      async () => (await waiting())?.reason === 'CreateContainerConfigError',
      'app waits with CreateContainerConfigError',
    );
    expect((await waiting())?.message, 'the waiting message').toBe(
      "couldn't find key greeting in ConfigMap default/app",
    );
    await waitFor(
      async () => (await events()).some((e) => e.reason === 'Failed'),
      'a Failed Event was recorded',
    );
    const failed = (await events()).find((e) => e.reason === 'Failed');
    expect(failed?.message, "the Failed Event's message").toBe(
      "Error: couldn't find key greeting in ConfigMap default/app",
    );
    expect(created('app'), 'the container app, while its key is missing').toBeUndefined();
    await configMaps.update({
      ...(await configMaps.get('app')),
      data: { color: 'blue', greeting: 'hi' },
    });
    await waitFor(() => created('app') !== undefined, 'app is created once the key is there');
    expect(created('app')!.env, 'the env of app once the key was added').toContainEqual({
      name: 'GREETING',
      value: 'hi',
    });
  });

  test('a volume whose ConfigMap is missing starts no container and records FailedMount, until it is there', async () => {
    const { configMaps, run, created, events } = await setUp();
    await run(appPod((p) => (p.spec.containers[0]!.envFrom = [])));
    await waitFor(
      async () => (await events()).some((e) => e.reason === 'FailedMount'),
      'a FailedMount Event was recorded',
    );
    const failedMount = (await events()).find((e) => e.reason === 'FailedMount');
    expect(failedMount?.message, "the FailedMount Event's message").toBe(
      'MountVolume.SetUp failed for volume "config" : configmap "app" not found',
    );
    expect(created('app'), 'the container app, while its volume cannot be set up').toBeUndefined();
    await configMaps.create({ metadata: { name: 'app' }, data: { greeting: 'hi' } });
    await waitFor(() => created('app') !== undefined, 'app is created once ConfigMap app exists');
  });

  test('the app container starts only after the init container completed; the pod shows it', async () => {
    const { clock, runtime, pods, run, created } = await setUp();
    await run({
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        initContainers: [{ name: 'migrate', image: 'kata/job' }],
        containers: [{ name: 'app', image: 'kata/echo' }],
      },
    });
    await waitFor(() => created('migrate') !== undefined, 'the init container migrate was created');
    const status = async () => (await pods.get('web')).status;
    await waitFor(
      async () => (await status())?.initContainerStatuses?.[0]?.state?.running !== undefined,
      'migrate is running in the status',
    );
    expect((await status())?.containerStatuses?.[0]?.state, 'app while migrate runs').toEqual({
      waiting: { reason: 'PodInitializing' },
    });
    expect(created('app'), 'the app container while migrate runs').toBeUndefined();
    const [migrate] = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    runtime.exitContainer(migrate!.id, 0);
    clock.advance(1000); // the relist notices
    await waitFor(() => created('app') !== undefined, 'app is created once migrate completed');
    await waitFor(
      async () =>
        (await status())?.conditions?.find((c) => c.type === 'Initialized')?.status === 'True',
      'the pod is Initialized',
    );
  });

  test("a ConfigMap change reaches the volume's file in place; the pod's volumes go with it", async () => {
    const { configMaps, pods, run, created, podsDir } = await setUp();
    await configMaps.create({ metadata: { name: 'app' }, data: { greeting: 'hi' } });
    const pod = await run(appPod());
    await waitFor(() => created('app') !== undefined, 'app was created');
    const file = join(created('app')!.mounts![0]!.hostPath, 'greeting');
    await configMaps.update({ ...(await configMaps.get('app')), data: { greeting: 'hello' } });
    await waitFor(() => readFileSync(file, 'utf8') === 'hello', 'the file greeting reads hello');
    await pods.delete('web', { gracePeriodSeconds: 0 });
    await waitFor(
      () => !existsSync(join(podsDir, pod.metadata.uid!)),
      "the pod's volumes are removed",
    );
  });
});

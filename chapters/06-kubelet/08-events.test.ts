// Events: first the Event and its words on their own, then a kubelet on the fake runtime writing
// them to the reference API server as its pods start, crash and go.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { KubeEvent, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  backOff,
  created,
  failed,
  failedPull,
  killing,
  kubeletEvent,
  pullBackOff,
  pulled,
  started,
  unhealthy,
} from './events.ts';
import { createKubelet } from './kubelet.ts';

const scope = testScope();

/** examplePod(name) as stored: in default, with a uid. */
function storedPod(name: string): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = 'default';
  pod.metadata.uid = `uid-${name}`;
  return pod;
}

/** A running kubelet, node-1, on the fake runtime and a fake clock, against its own API server. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  inBackground(
    createKubelet({
      nodeName: 'node-1',
      nodeIp: '127.20.0.1',
      podCidr: '127.244.0.0/24',
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      toolkit,
      client,
      runtime,
      clock,
    }).run(scope.stopper().signal),
  );
  const pods = client.resource<Pod>('pods', 'default');
  const run = (pod: Pod) => {
    pod.spec.nodeName = 'node-1';
    return pods.create(pod);
  };
  const status = async (name: string) => (await pods.get(name)).status;
  const eventsAPI = client.resource<KubeEvent>('events', 'default');
  /** The Events about pod `name`: reason, message (and count), oldest first. */
  const events = async (name: string) =>
    (await eventsAPI.list()).items.filter((event) => event.involvedObject.name === name);
  const reasons = async (name: string) => (await events(name)).map((event) => event.reason);
  return { clock, runtime, pods, run, status, events, reasons };
}

describe('Events', () => {
  test('an Event about a container names its pod, the container by fieldPath, and the kubelet on its node', () => {
    const event = kubeletEvent(storedPod('web'), 'node-1', started('app'), 'app');
    expect(event, 'kubeletEvent(default/web, node-1, started(app), app)').toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'web.', namespace: 'default' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'default',
        name: 'web',
        uid: 'uid-web',
        fieldPath: 'spec.containers{app}',
      },
      type: 'Normal',
      reason: 'Started',
      message: 'Started container app',
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
    });
    expect(
      kubeletEvent(storedPod('web'), 'node-1', started('app')).involvedObject.fieldPath,
      'the fieldPath of an Event about the pod itself (no container given)',
    ).toBeUndefined();
  });

  test("the kubelet's reasons and messages, in its words", () => {
    const notes = [
      pulled('kata/echo'),
      created('app'),
      started('app'),
      killing('app'),
      killing('app', 'liveness'),
      backOff(storedPod('web'), 'app'),
      unhealthy('Readiness', 'HTTP probe failed with statuscode: 503'),
      failed('ErrImagePull'),
      failedPull('kata/nope', 'image not found'),
      pullBackOff('kata/nope'),
    ];
    expect(
      notes.map((note) => `${note.type} ${note.reason}: ${note.message}`),
      'each note, as "type reason: message"',
    ).toEqual([
      'Normal Pulled: Container image "kata/echo" already present on machine',
      'Normal Created: Created container app',
      'Normal Started: Started container app',
      'Normal Killing: Stopping container app',
      'Normal Killing: Container app failed liveness probe, will be restarted',
      'Warning BackOff: Back-off restarting failed container app in pod web_default(uid-web)',
      'Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503',
      'Warning Failed: Error: ErrImagePull',
      'Warning Failed: Failed to pull image "kata/nope": image not found',
      'Normal BackOff: Back-off pulling image "kata/nope"',
    ]);
  });

  test('a pod that starts: Pulled, Created and Started, about its container', async () => {
    const { run, status, reasons, events } = await setUp();
    await run(storedPod('web'));
    await waitFor(async () => (await status('web'))?.phase === 'Running', 'Running');
    await waitFor(async () => (await reasons('web')).length === 3, 'three Events about web');
    expect(
      (await reasons('web')).sort(),
      'the reasons of the Events about web, sorted (they are written one after the other)',
    ).toEqual(['Created', 'Pulled', 'Started']);
    const [event] = await events('web');
    expect(
      [event?.involvedObject.fieldPath, event?.source],
      'the fieldPath and source of the Pulled Event',
    ).toEqual(['spec.containers{app}', { component: 'kubelet', host: 'node-1' }]);
  });

  test('a container the runtime cannot start: Failed, "Error: " and the runtime\'s reason', async () => {
    const { run, runtime, reasons, events } = await setUp();
    runtime.failNextStart('app', 'exec: "serve": executable file not found in $PATH');
    await run(storedPod('broken'));
    await waitFor(async () => (await reasons('broken')).includes('Failed'), 'a Failed Event');
    const failedEvent = (await events('broken')).find((event) => event.reason === 'Failed');
    expect(
      [failedEvent?.type, failedEvent?.message, failedEvent?.involvedObject.fieldPath],
      'the Failed Event of a container whose start failed',
    ).toEqual([
      'Warning',
      'Error: exec: "serve": executable file not found in $PATH',
      'spec.containers{app}',
    ]);
  });

  test('a crash loop: BackOff, one Event whose count grows at each back-off', async () => {
    const { run, status, runtime, clock, events } = await setUp();
    const { metadata } = await run(storedPod('crashy'));
    await waitFor(async () => (await status('crashy'))?.phase === 'Running', 'Running');
    const backOffs = async () => (await events('crashy')).filter((e) => e.reason === 'BackOff');
    const container = async () => (await status('crashy'))?.containerStatuses?.[0];
    for (let exit = 1; exit <= 3; exit++) {
      const [running] = await runtime.listContainers({ state: 'CONTAINER_RUNNING' });
      runtime.exitContainer(running!.id, 1);
      clock.advance(1000); // the relist notices: a restart at once, or a back-off
      await waitFor(async () => {
        const now = await container();
        return now?.restartCount === exit || now?.state?.waiting?.reason === 'CrashLoopBackOff';
      }, `a restart or a back-off after exit ${exit}`);
      clock.advance(60_000); // any back-off is over
      await waitFor(async () => (await container())?.restartCount === exit, `restart ${exit}`);
      await waitFor(async () => (await container())?.state?.running !== undefined, 'running');
    }
    await waitFor(async () => (await backOffs()).length === 1, 'a BackOff Event');
    const [event] = await backOffs();
    expect([event?.type, event?.message], 'the BackOff Event of a crash loop').toEqual([
      'Warning',
      `Back-off restarting failed container app in pod crashy_default(${metadata.uid})`,
    ]);
    await waitFor(async () => ((await backOffs())[0]?.count ?? 0) >= 2, 'its count to grow');
    expect((await backOffs()).length, 'BackOff Events after two back-offs: still one').toBe(1);
  });

  test('a liveness probe that fails: Unhealthy with its output, then Killing, "will be restarted"', async () => {
    const { run, status, runtime, clock, events } = await setUp();
    runtime.execHandler = () => ({ exitCode: 1, stdout: 'stuck', stderr: '', timedOut: false });
    const pod = storedPod('stuck');
    pod.spec.containers[0]!.livenessProbe = { exec: { command: ['alive'] }, failureThreshold: 3 };
    await run(pod);
    await waitFor(async () => (await status('stuck'))?.phase === 'Running', 'Running');
    const about = async (reason: string) =>
      (await events('stuck')).filter((event) => event.reason === reason);
    // Time moves a second per look: each probe runs after the one before has finished.
    await waitFor(async () => {
      clock.advance(1000);
      return (await about('Killing')).length === 1;
    }, 'a Killing Event after three failed probes');
    expect(
      (await about('Killing')).map((event) => event.message),
      'the Killing Event of a container whose liveness probe failed',
    ).toEqual(['Container app failed liveness probe, will be restarted']);
    const [unhealthyEvent] = await about('Unhealthy');
    expect(
      [unhealthyEvent?.type, unhealthyEvent?.message],
      'the Unhealthy Event of a failed liveness probe whose command printed "stuck"',
    ).toEqual(['Warning', 'Liveness probe failed: stuck']);
    expect(
      unhealthyEvent?.count,
      'its count: the three failures before the kill (and any of the new run) in one Event',
    ).toBeGreaterThanOrEqual(3);
  });

  test('a pod deleted: Killing, "Stopping container", for each running container', async () => {
    const { run, status, pods, reasons, events } = await setUp();
    await run(storedPod('gone'));
    await waitFor(async () => (await status('gone'))?.phase === 'Running', 'Running');
    await pods.delete('gone');
    await waitFor(async () => (await reasons('gone')).includes('Killing'), 'a Killing Event');
    const killingEvent = (await events('gone')).find((event) => event.reason === 'Killing');
    expect(
      [killingEvent?.message, killingEvent?.involvedObject.fieldPath],
      'the Killing Event of a deleted pod',
    ).toEqual(['Stopping container app', 'spec.containers{app}']);
  });
});

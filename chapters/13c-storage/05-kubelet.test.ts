// Mounting a claim: a volume's directory, one claim's directory or why not, a pod's claims put in
// place; then the resolver over informers, and chapter 06's reference kubelet with chapter 10a's
// PodConfiguration behind this chapter's claims (harness/components/claim-mounts.ts), on the fake
// runtime: a pod waits for its claim, mounts its volume's directory, and a second pod finds the
// files the first one left.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { exampleClaim, examplePod, exampleVolume } from '../../harness/api/examples.ts';
import type {
  KubeEvent,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
} from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { withClaimVolumes } from '../../harness/components/claim-mounts.ts';
import type { ContainerConfig } from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from '../../solutions/06-kubelet/kubelet.ts';
import { createPodConfiguration } from '../../solutions/10a-pod-config/pod-config.ts';
import {
  claimDirectory,
  createClaimVolumes,
  resolveClaims,
  volumePath,
  type ClaimLookup,
} from './claim-volumes.ts';

const scope = testScope();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A claim bound to `volume`, as the binder leaves it. */
function boundClaim(name: string, volume: string): PersistentVolumeClaim {
  const claim = exampleClaim(name);
  claim.spec.volumeName = volume;
  claim.status = { phase: 'Bound' };
  return claim;
}

/** A lookup over plain lists. */
function lookupOf(claims: PersistentVolumeClaim[], volumes: PersistentVolume[]): ClaimLookup {
  return {
    claim: (namespace, name) =>
      claims.find((c) => c.metadata.namespace === namespace && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
  };
}

/** A pod `name` in default whose container mounts claim `claimName` at /data. */
function podWithClaim(name: string, claimName: string): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = 'default';
  pod.spec.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  pod.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName } }];
  return pod;
}

/** A kubelet on node-1 with claims in front of chapter 10a's PodConfiguration, on its own server. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
  const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
  const podsDir = mkdtempSync(join(tmpdir(), 'kata-pods-'));
  const volumeDir = mkdtempSync(join(tmpdir(), 'kata-pv-'));
  folders.push(podsDir, volumeDir);
  const inside = createPodConfiguration({
    client,
    toolkit,
    podsDir,
    nodeIp: '127.20.0.1',
    allocatable: { cpu: '4', memory: '8Gi' },
  });
  const podConfiguration = withClaimVolumes(inside, createClaimVolumes({ toolkit, client }));
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
  const run = (pod: Pod) => pods.create({ ...pod, spec: { ...pod.spec, nodeName: 'node-1' } });
  /** The host directories the runtime was asked to mount at /data, in the order asked. */
  const mounted = () =>
    runtime
      .callsTo('createContainer')
      .map((call) => (call.args[1] as ContainerConfig).mounts ?? [])
      .flatMap((mounts) => mounts.filter((mount) => mount.containerPath === '/data'))
      .map((mount) => mount.hostPath);
  const events = async () => (await client.resource<KubeEvent>('events', 'default').list()).items;
  return {
    client,
    pods,
    run,
    mounted,
    events,
    volumeDir,
    volumes: client.resource<PersistentVolume>('persistentvolumes'),
    claims: client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default'),
  };
}

describe('Mounting a claim', () => {
  test("a volume's directory is its hostPath's or its local source's path", () => {
    const volume = exampleVolume('pv1');
    expect(volumePath(volume), 'a hostPath volume').toBe('/tmp/kata-volumes/pv1');
    const local = {
      ...volume,
      spec: { ...volume.spec, hostPath: undefined, local: { path: '/mnt/disk1' } },
    };
    expect(volumePath(local), 'a local volume').toBe('/mnt/disk1');
    const neither = { ...volume, spec: { ...volume.spec, hostPath: undefined } };
    expect(volumePath(neither), 'a volume of neither kind').toBeUndefined();
  });

  test("a claim's directory is its bound volume's; a claim missing or unbound, or its volume missing, says why", () => {
    const lookup = lookupOf(
      [boundClaim('data', 'pv1'), exampleClaim('pending'), boundClaim('lost', 'gone')],
      [exampleVolume('pv1')],
    );
    expect(claimDirectory('default', 'data', lookup), 'bound to pv1').toEqual({
      path: '/tmp/kata-volumes/pv1',
    });
    expect(claimDirectory('default', 'nope', lookup), 'no claim nope').toEqual({
      problem: 'persistentvolumeclaim "nope" not found',
    });
    expect(claimDirectory('default', 'pending', lookup), 'a claim not bound').toEqual({
      problem:
        'PVC default/pending has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
    });
    expect(claimDirectory('default', 'lost', lookup), 'bound to a volume not there').toEqual({
      problem: 'persistentvolume "gone" not found',
    });
  });

  test("a pod's claim volumes become hostPath volumes of their directories; a claim not ready gives the FailedMount message", () => {
    const lookup = lookupOf([boundClaim('data', 'pv1')], [exampleVolume('pv1')]);
    const pod = podWithClaim('web', 'data');
    pod.spec.volumes!.push({ name: 'cache', emptyDir: {} });
    const resolved = resolveClaims(pod, lookup) as Pod;
    expect(resolved.spec.volumes, 'claim data bound to pv1, and an emptyDir').toEqual([
      { name: 'data', hostPath: { path: '/tmp/kata-volumes/pv1', type: 'DirectoryOrCreate' } },
      { name: 'cache', emptyDir: {} },
    ]);
    expect(pod.spec.volumes![0]!.persistentVolumeClaim, 'the pod given is not changed').toEqual({
      claimName: 'data',
    });
    expect(resolveClaims(podWithClaim('web', 'nope'), lookup), 'claim nope missing').toBe(
      'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "nope" not found',
    );
  });

  test('the resolver refuses to resolve before it runs: its caches would be empty', async () => {
    const client = toolkit.createClient({ server: 'http://127.0.0.1:9' });
    const resolver = createClaimVolumes({ toolkit, client });
    await expect(
      resolver.resolve(podWithClaim('web', 'data')),
      'resolve before run rejects with "ClaimVolumeResolver.run must be called before resolve"',
    ).rejects.toThrow('ClaimVolumeResolver.run must be called before resolve');
  });

  test('the resolver answers from its caches once run, and resyncs a pod when its claim changes', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
    await client.resource<PersistentVolume>('persistentvolumes').create(exampleVolume('pv1'));
    await claims.create(exampleClaim('data'));
    const resolver = createClaimVolumes({ toolkit, client });
    const resynced: string[] = [];
    inBackground(resolver.run(scope.stopper().signal, (key) => resynced.push(key)));
    const first = await resolver.resolve(podWithClaim('web', 'data'));
    expect(typeof first, 'a pod whose claim is Pending').toBe('string');
    const claim = await claims.get('data');
    await claims.update({ ...claim, spec: { ...claim.spec, volumeName: 'pv1' } });
    const named = await claims.get('data');
    await claims.updateStatus({ ...named, status: { phase: 'Bound' } });
    await waitFor(() => resynced.includes('default/web'), 'default/web resynced');
    await waitFor(
      async () => typeof (await resolver.resolve(podWithClaim('web', 'data'))) !== 'string',
      'the pod resolved once its claim is Bound',
    );
  });

  test("in the kubelet, a pod waits for its claim, then mounts its volume's directory, which outlives the pod", async () => {
    const { run, pods, mounted, events, volumes, claims, volumeDir } = await setUp();
    const volume = exampleVolume('pv1');
    volume.spec.hostPath = { path: volumeDir };
    await volumes.create(volume);
    await claims.create(exampleClaim('data'));
    await run(podWithClaim('first', 'data'));
    await waitFor(
      async () => (await events()).some((event) => event.reason === 'FailedMount'),
      'a FailedMount event while the claim is Pending',
    );
    expect(mounted(), 'containers started while the claim is Pending').toEqual([]);
    const claim = await claims.get('data');
    await claims.update({ ...claim, spec: { ...claim.spec, volumeName: 'pv1' } });
    await claims.updateStatus({ ...(await claims.get('data')), status: { phase: 'Bound' } });
    await waitFor(() => mounted().length === 1, 'the first pod started');
    expect(mounted(), "the first pod's /data").toEqual([volumeDir]);
    writeFileSync(join(volumeDir, 'greeting'), 'hello from first');
    await pods.delete('first', { gracePeriodSeconds: 0 });
    await run(podWithClaim('second', 'data'));
    await waitFor(() => mounted().length === 2, 'the second pod started');
    expect(mounted()[1], "the second pod's /data: the same directory").toBe(volumeDir);
    expect(existsSync(join(volumeDir, 'greeting')), 'the file the first pod left').toBe(true);
    expect(readFileSync(join(volumeDir, 'greeting'), 'utf8'), 'its content').toBe(
      'hello from first',
    );
  });
});

// The static pod source: a folder of manifests read (and read again) into static pods, and their
// mirror pods kept in line on the reference API server. Last, the whole: the reference kubelet of
// chapter 06 on the fake runtime runs them with no API server, restarts them by their policy,
// stops a pod whose file is removed, and, once an API server answers, publishes its mirror pod.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import { mirrorPodAnnotation } from '../../harness/api/static-pods.ts';
import type { Node, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from '../../solutions/06-kubelet/kubelet.ts';
import { createStaticPods, StaticPods } from './static-pods.ts';

const scope = testScope();
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A fresh manifest folder, removed after the test. */
async function manifestFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'kata-18a-'));
  folders.push(folder);
  return folder;
}

/** Writes examplePod(name) (with `image`) as <folder>/<name>.json. */
function writeManifest(folder: string, name: string, image = 'kata/echo:1.0') {
  const pod = examplePod(name);
  pod.spec.containers[0]!.image = image;
  return writeFile(path.join(folder, `${name}.json`), JSON.stringify(pod));
}

const nodeOptions = {
  nodeName: 'node-1',
  nodeIp: '127.20.0.1',
  podCidr: '127.244.0.0/24',
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  toolkit,
};

describe('The static pod source', () => {
  test('scan answers the keys that came, changed and went; the same folder again, none', async () => {
    const folder = await manifestFolder();
    const source = new StaticPods({ manifestPath: folder, nodeName: 'node-1' });
    expect(await source.scan(), 'an empty folder').toEqual([]);
    await writeManifest(folder, 'web');
    expect(await source.scan(), 'web.json written').toEqual(['default/web-node-1']);
    expect(source.get('default/web-node-1')?.spec.nodeName, 'the pod, bound').toBe('node-1');
    expect(await source.scan(), 'nothing changed').toEqual([]);
    await writeManifest(folder, 'web', 'kata/echo:2.0');
    expect(await source.scan(), 'web.json edited').toEqual(['default/web-node-1']);
    await rm(path.join(folder, 'web.json'));
    expect(await source.scan(), 'web.json removed').toEqual(['default/web-node-1']);
    expect(source.get('default/web-node-1'), 'no pod any more').toBeUndefined();
    const missing = new StaticPods({ manifestPath: path.join(folder, 'nope'), nodeName: 'n' });
    expect(await missing.scan(), 'a folder that does not exist holds no pods').toEqual([]);
  });

  test('readFolder reads every file of the folder in name order, and no sub-folder', async () => {
    const folder = await manifestFolder();
    await writeFile(path.join(folder, 'b.yaml'), 'kind: B');
    await writeFile(path.join(folder, 'a.yaml'), 'kind: A');
    await mkdir(path.join(folder, 'old'));
    const source = new StaticPods({ manifestPath: folder, nodeName: 'node-1' });
    expect(await source.readFolder(), 'a.yaml, b.yaml and the folder old').toEqual([
      { path: path.join(folder, 'a.yaml'), text: 'kind: A' },
      { path: path.join(folder, 'b.yaml'), text: 'kind: B' },
    ]);
  });

  test('a pod whose file did not change keeps the status set; each bad file is told once', async () => {
    const folder = await manifestFolder();
    const told: string[] = [];
    const source = new StaticPods({
      manifestPath: folder,
      nodeName: 'node-1',
      onError: (message) => told.push(message),
    });
    await writeManifest(folder, 'web');
    await writeFile(path.join(folder, 'bad.yaml'), 'kind: Service');
    await source.scan();
    source.setStatus('default/web-node-1', { phase: 'Running' });
    await source.scan();
    expect(source.get('default/web-node-1')?.status, 'the status after a scan').toEqual({
      phase: 'Running',
    });
    expect(told, 'the error of bad.yaml, after two scans').toEqual([
      `${path.join(folder, 'bad.yaml')}: invalid pod: expected kind Pod in v1, got Service`,
    ]);
  });

  test('watch scans at once, then notices a file written later', async () => {
    const folder = await manifestFolder();
    await writeManifest(folder, 'first');
    const clock = new FakeClock(0);
    const source = new StaticPods({ manifestPath: folder, nodeName: 'node-1', clock });
    const keys: string[] = [];
    await source.watch(scope.stopper().signal, (key) => keys.push(key));
    expect(keys, 'the keys resynced once watch returns').toEqual(['default/first-node-1']);
    await writeManifest(folder, 'second');
    await waitFor(() => {
      clock.advance(20_000);
      return keys.includes('default/second-node-1');
    }, 'second.json to be noticed');
  });

  test('syncMirror creates the mirror with its status, writes a new status, and deletes an orphan', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    await client.resource<Node>('nodes').create({ metadata: { name: 'node-1' } } as Node);
    const folder = await manifestFolder();
    await writeManifest(folder, 'web');
    const source = new StaticPods({ manifestPath: folder, nodeName: 'node-1', client });
    await source.scan();
    const key = 'default/web-node-1';
    source.setStatus(key, { phase: 'Running', podIP: '127.244.0.9' });
    await source.syncMirror(key, undefined);
    const pods = client.resource<Pod>('pods', 'default');
    let mirror = await pods.get('web-node-1');
    expect(mirror.metadata.ownerReferences?.[0]?.kind, 'the mirror is owned by').toBe('Node');
    expect(mirror.status?.podIP, "the mirror's status").toBe('127.244.0.9');
    source.setStatus(key, { phase: 'Failed' });
    await source.syncMirror(key, mirror);
    mirror = await pods.get('web-node-1');
    expect(mirror.status?.phase, 'the new status on the mirror').toBe('Failed');
    await rm(path.join(folder, 'web.json'));
    await source.scan();
    await source.syncMirror(key, mirror);
    const names = (await pods.list()).items.map((pod) => pod.metadata.name);
    expect(names, 'the pods once the file is gone').toEqual([]);
  });

  test('syncMirror replaces a mirror someone deleted: a new one, with a new uid', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    await client.resource<Node>('nodes').create({ metadata: { name: 'node-1' } } as Node);
    const folder = await manifestFolder();
    await writeManifest(folder, 'web');
    const source = new StaticPods({ manifestPath: folder, nodeName: 'node-1', client });
    await source.scan();
    await source.syncMirror('default/web-node-1', undefined);
    const pods = client.resource<Pod>('pods', 'default');
    const first = await pods.get('web-node-1');
    const deleting = { ...first, metadata: { ...first.metadata, deletionTimestamp: 'now' } };
    await source.syncMirror('default/web-node-1', deleting);
    const second = await pods.get('web-node-1');
    expect(second.metadata.uid, 'the uid of the mirror made again').not.toBe(first.metadata.uid);
  });

  test('the kubelet runs static pods with no API server, restarts them, and stops a removed one', async () => {
    const folder = await manifestFolder();
    await writeManifest(folder, 'web');
    const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
    const runtime = new FakeRuntime({ clock, podCidr: '127.244.0.0/24' });
    const client = toolkit.createClient({ server: 'http://127.0.0.1:9' });
    const staticPods = createStaticPods({
      manifestPath: folder,
      nodeName: 'node-1',
      clock,
      client,
    });
    const options = { ...nodeOptions, client, runtime, clock, staticPods };
    inBackground(createKubelet(options).run(scope.stopper().signal));
    const running = async () =>
      (await runtime.listContainers()).filter((c) => c.state === 'CONTAINER_RUNNING');
    await waitFor(async () => (await running()).length === 1, 'web to run, no API server');
    runtime.exitContainer((await running())[0]!.id, 1);
    await waitFor(async () => {
      clock.advance(10_000);
      return (await running()).length === 1;
    }, 'web restarted (restartPolicy Always)');
    expect(runtime.callsTo('startContainer'), 'starts in all').toHaveLength(2);
    await rm(path.join(folder, 'web.json'));
    await waitFor(async () => {
      clock.advance(20_000);
      return (await runtime.listPodSandbox()).length === 0;
    }, 'the sandbox of web removed');
  });

  test('with an API server the kubelet publishes the mirror, and makes it again once deleted', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const folder = await manifestFolder();
    await writeManifest(folder, 'web');
    const runtime = new FakeRuntime({ podCidr: '127.244.0.0/24' });
    const staticPods = new StaticPods({ manifestPath: folder, nodeName: 'node-1', client });
    const options = { ...nodeOptions, client, runtime, staticPods };
    inBackground(createKubelet(options).run(scope.stopper().signal));
    const pods = client.resource<Pod>('pods', 'default');
    const mirror = async () =>
      (await pods.list()).items.find((p) => p.metadata.name === 'web-node-1');
    await waitFor(async () => (await mirror())?.status?.phase === 'Running', 'a Running mirror');
    const first = (await mirror())!;
    expect(
      first.metadata.annotations?.[mirrorPodAnnotation],
      'its mirror annotation',
    ).toBeDefined();
    await pods.delete('web-node-1');
    await waitFor(async () => {
      const again = await mirror();
      return (
        !!again && again.metadata.uid !== first.metadata.uid && !again.metadata.deletionTimestamp
      );
    }, 'a new mirror pod');
    expect(runtime.callsTo('startContainer'), 'the static pod was not restarted').toHaveLength(1);
  });
});

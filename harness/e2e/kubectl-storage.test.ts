// Acceptance (issue #27, storage): PersistentVolumes on a reference cluster of two nodes, seen with
// the real kubectl. The class standard is there and the default; a claim without a class waits for
// its first pod; the pod is placed, the local provisioner makes a volume on its node and the binder
// binds it; the pod writes a file on it (kata/echo's PUT /files/...), is deleted, and a new pod
// mounting the claim lands on the same node and reads the file back; the claim deleted, its volume
// goes (policy Delete).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let running: KubectlCluster | undefined;
const kubectl = (...args: string[]) => running!.kubectl.run(...args);

/** The output of a kubectl command that must succeed. */
async function output(...args: string[]): Promise<string> {
  const result = await kubectl(...args);
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Applies a manifest given as an object (kubectl reads JSON as well as YAML), from a file. */
async function apply(manifest: { metadata: { name: string } } & Record<string, unknown>) {
  const file = path.join(running!.dataDir, `${manifest.metadata.name}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  await output('apply', '-f', file);
}

/** A kata/echo pod mounting claim `data` at /data. */
function podWithClaim(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'kata/echo',
          ports: [{ containerPort: 8080 }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    },
  };
}

/** Sends `method` to kata/echo in pod `name` at `where`: its answer, or undefined while it cannot. */
async function ask(name: string, where: string, init: RequestInit = {}) {
  const ip = (await kubectl('get', 'pod', name, '-o', 'jsonpath={.status.podIP}')).stdout;
  if (!ip) return undefined;
  try {
    const response = await fetch(`http://${ip}:8080${where}`, init);
    return { status: response.status, text: await response.text() };
  } catch {
    return undefined;
  }
}

const field = (kind: string, name: string, jsonPath: string) =>
  kubectl('get', kind, name, '-o', `jsonpath={${jsonPath}}`).then((result) => result.stdout);

const it = test.skipIf(!hasKubectl);

describe('kubectl and PersistentVolumes', { timeout: 180_000 }, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  beforeAll(async () => {
    if (!hasKubectl) return;
    running = await startKubectlCluster(2, suiteNodeIndexBase.storage, '127.115.0.0/24');
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  it("a claim of the default class gets a volume on its pod's node, and its file outlives the pod", async () => {
    await waitFor(
      async () => (await kubectl('get', 'sc')).stdout.includes('standard (default)'),
      'the class standard, the default',
      30_000,
    );
    const classes = await output('get', 'sc');
    expect(classes, 'kubectl get sc').toMatch(
      /standard \(default\)\s+kubekata\.io\/local-path\s+Delete\s+WaitForFirstConsumer/,
    );
    await apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await waitFor(
      async () => (await field('pvc', 'data', '.spec.storageClassName')) === 'standard',
      'the claim given the default class',
    );
    expect(await field('pvc', 'data', '.spec.volumeName'), 'a claim with no pod yet').toBe('');
    await apply(podWithClaim('writer'));
    await waitFor(
      async () => (await ask('writer', '/healthz'))?.status === 200,
      'writer answers',
      60_000,
    );
    const put = await ask('writer', '/files/data/note', { method: 'PUT', body: 'kept' });
    expect(put?.status, `PUT /files/data/note to writer: ${put?.text}`).toBe(201);
    const node = await field('pod', 'writer', '.spec.nodeName');
    const volume = await field('pvc', 'data', '.spec.volumeName');
    expect(await output('get', 'pv', volume), 'kubectl get pv of the claim').toMatch(
      /1Gi\s+RWO\s+Delete\s+Bound\s+default\/data\s+standard/,
    );
    expect(await output('get', 'pvc', 'data'), 'kubectl get pvc data').toMatch(
      new RegExp(`data\\s+Bound\\s+${volume}\\s+1Gi\\s+RWO\\s+standard`),
    );

    await output('delete', 'pod', 'writer', '--grace-period=1');
    await apply(podWithClaim('reader'));
    await waitFor(
      async () => (await ask('reader', '/healthz'))?.status === 200,
      'reader answers',
      60_000,
    );
    expect(await field('pod', 'reader', '.spec.nodeName'), "the reader's node: the volume's").toBe(
      node,
    );
    expect((await ask('reader', '/files/data/note'))?.text, 'the file the writer left').toBe(
      'kept',
    );

    await output('delete', 'pod', 'reader', '--grace-period=1');
    await output('delete', 'pvc', 'data');
    await waitFor(
      async () => !(await kubectl('get', 'pv')).stdout.includes(volume),
      `volume ${volume} deleted with its claim (policy Delete)`,
      30_000,
    );
  });
});

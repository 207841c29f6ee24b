// Acceptance (issue #24, first half): what happens inside a pod, seen with the real kubectl on one
// reference cluster of one node. A ConfigMap reaches a container as env (envFrom) and as files (a
// configMap volume, updated in place); a missing key keeps the container in
// CreateContainerConfigError with an Event; an init container that keeps failing shows
// Init:CrashLoopBackOff; a Secret read straight from the store is encrypted. kata/echo answers
// what the container sees (GET /env, GET /files/<path>).
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
function apply(manifest: { metadata: { name: string } } & Record<string, unknown>) {
  const file = path.join(running!.dataDir, `${manifest.metadata.name}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  return kubectl('apply', '-f', file);
}

/** What kata/echo in pod `name` answers at `path`, or undefined while it cannot. */
async function ask(name: string, path: string): Promise<string | undefined> {
  const ip = (await kubectl('get', 'pod', name, '-o', 'jsonpath={.status.podIP}')).stdout;
  if (!ip) return undefined;
  try {
    const response = await fetch(`http://${ip}:8080${path}`);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

const it = test.skipIf(!hasKubectl);

describe('kubectl and what happens inside a pod', { timeout: 180_000 }, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  beforeAll(async () => {
    if (!hasKubectl) return;
    running = await startKubectlCluster(1, suiteNodeIndexBase.podConfig, '127.106.0.0/24');
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('a ConfigMap reaches a container as env and as a file, and its change reaches the file', async () => {
    await output('create', 'configmap', 'app', '--from-literal=greeting=hi');
    const applied = await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'config-demo' },
      spec: {
        initContainers: [{ name: 'setup', image: 'kata/job' }],
        containers: [
          {
            name: 'web',
            image: 'kata/echo',
            ports: [{ containerPort: 8080 }],
            envFrom: [{ configMapRef: { name: 'app' } }],
            volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'app' } }],
      },
    });
    expect(applied.code, `kubectl apply of pod config-demo: ${applied.stderr}`).toBe(0);
    await waitFor(
      async () => (await ask('config-demo', '/healthz')) !== undefined,
      'config-demo answers',
      60_000,
    );
    expect(await ask('config-demo', '/env'), 'GET /env of config-demo').toContain('greeting=hi\n');
    expect(await ask('config-demo', '/files/etc/app/greeting'), 'GET /files/etc/app/greeting').toBe(
      'hi',
    );
    const ip = (await kubectl('get', 'pod', 'config-demo', '-o', 'jsonpath={.status.podIP}'))
      .stdout;
    const write = await fetch(`http://${ip}:8080/files/etc/app/note`, { method: 'PUT', body: 'x' });
    expect(
      [write.status, await write.text()],
      'PUT /files/etc/app/note: a configMap volume is read-only',
    ).toEqual([500, "/etc/app/note: EROFS: read-only file system, open '/etc/app/note'\n"]);
    await output('patch', 'configmap', 'app', '-p', '{"data":{"greeting":"hello"}}');
    await waitFor(
      async () => (await ask('config-demo', '/files/etc/app/greeting')) === 'hello',
      'the file follows the ConfigMap',
      30_000,
    );
    const init = await output(
      'get',
      'pod',
      'config-demo',
      '-o',
      'jsonpath={.status.initContainerStatuses[0].state.terminated.reason}',
    );
    expect(init, "the init container setup's terminated reason").toBe('Completed');
  });

  it('a missing key keeps the container in CreateContainerConfigError, with an Event', async () => {
    const env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope' } } }];
    const applied = await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'broken' },
      spec: { containers: [{ name: 'broken', image: 'kata/echo', env }] },
    });
    expect(applied.code, `kubectl apply of pod broken: ${applied.stderr}`).toBe(0);
    await waitFor(
      async () => (await output('get', 'pod', 'broken')).includes('CreateContainerConfigError'),
      'broken shows CreateContainerConfigError',
      30_000,
    );
    await waitFor(
      async () =>
        (await output('describe', 'pod', 'broken')).includes(
          "couldn't find key nope in ConfigMap default/app",
        ),
      'the Event is in kubectl describe',
      30_000,
    );
  });

  it('an init container that exits 1 shows Init:CrashLoopBackOff', async () => {
    const applied = await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'init-fails' },
      spec: {
        initContainers: [{ name: 'check', image: 'kata/crash', args: ['--after=0'] }],
        containers: [{ name: 'web', image: 'kata/echo' }],
      },
    });
    expect(applied.code, `kubectl apply of pod init-fails: ${applied.stderr}`).toBe(0);
    await waitFor(
      async () => (await output('get', 'pod', 'init-fails')).includes('Init:CrashLoopBackOff'),
      'init-fails shows Init:CrashLoopBackOff',
      60_000,
    );
  });

  it('a Secret read straight from the store is encrypted; through the API it is plain', async () => {
    await output('create', 'secret', 'generic', 'db', '--from-literal=password=s3cret');
    const components = (await (
      await fetch(`${running!.cluster.controlUrl}/components`)
    ).json()) as Array<{ kind: string; health: string }>;
    const store = components
      .find((component) => component.kind === 'store')!
      .health.replace(/\/health$/, '');
    const key = Buffer.from('/registry/secrets/default/db').toString('base64');
    const answer = (await (
      await fetch(`${store}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key }) })
    ).json()) as { kvs?: Array<{ value: string }> };
    const stored = Buffer.from(answer.kvs?.[0]?.value ?? '', 'base64').toString('latin1');
    expect(
      stored.startsWith('k8s:enc:aesgcm:v1:key1:'),
      'the stored value of Secret db starts with the aesgcm prefix',
    ).toBe(true);
    expect(stored.includes('s3cret'), 'the stored value shows the password').toBe(false);
    const password = await output('get', 'secret', 'db', '-o', 'jsonpath={.data.password}');
    expect(Buffer.from(password, 'base64').toString(), 'the password through the API').toBe(
      's3cret',
    );
  });
});

// A pod's own token: the kubelet asks TokenRequest for the pod's ServiceAccount, writes token,
// ca.crt and namespace, mounts them at /var/run/secrets/kubernetes.io/serviceaccount, renews the
// token before it ends, and tells every container where the API server is.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, Pod } from '../../harness/api/types.ts';
import type { AdmissionStore } from '../../harness/contracts/security.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import type { PodConfiguration } from '../../harness/contracts/kubelet.ts';
import type { ContainerConfig, PodSandboxStatus } from '../../harness/runtime/cri.ts';
import {
  createRootCaPublisher,
  kubernetesServiceEnv,
  mountsToken,
  needsRenewal,
  podTokenRequest,
  SERVICE_ACCOUNT_DIR,
  withPodTokens,
} from './pod-token.ts';

const pod = (fields: object = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'dev', uid: 'uid-web' },
    spec: {
      containers: [{ name: 'app', image: 'busybox' }],
      serviceAccountName: 'builder',
      ...fields,
    },
  }) as Pod;

// The kubelet's side: chapter 10a's configuration stands in as `inner`, the API as a few answers.
// A test may set up twice; every folder it made goes.
const podsDirs: string[] = [];
afterEach(() => {
  for (const dir of podsDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sandbox = { id: 'sandbox', ip: '10.244.0.5' } as PodSandboxStatus;
const appConfig: ContainerConfig = {
  metadata: { name: 'app', attempt: 0 },
  image: 'busybox',
  env: [{ name: 'OWN', value: 'yes' }],
  mounts: [],
};

/** A PodConfiguration that does nothing but say which of its methods were called. */
function innerConfiguration(calls: string[], problem?: string): PodConfiguration {
  return {
    run: async () => void calls.push('run'),
    preparePod: async () => (calls.push('preparePod'), problem),
    configureContainer: async (_pod, _container, config) => (
      calls.push('configureContainer'),
      structuredClone(config)
    ),
    initPlan: () => (calls.push('initPlan'), { sync: [], initialized: true }),
    completeStatus: (_pod, status) => (calls.push('completeStatus'), status),
    stopOrder: (_pod, names) => (calls.push('stopOrder'), [names]),
    cleanupPod: async () => void calls.push('cleanupPod'),
  };
}

/** The API as the kubelet reads it: the kubernetes Service and the namespace's root CA. */
const client = {
  resource: (resource: string, namespace?: string) => ({
    get: async (name: string) => {
      if (resource === 'services' && namespace === 'default' && name === 'kubernetes') {
        return { metadata: { name }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 443 }] } };
      }
      if (resource === 'configmaps' && namespace === 'dev' && name === 'kube-root-ca.crt') {
        return { metadata: { name }, data: { 'ca.crt': 'CLUSTER CA' } };
      }
      if (resource === 'configmaps' && namespace === 'locked') {
        throw new ApiError(403, 'Forbidden', `configmaps "${name}" is forbidden`);
      }
      throw new ApiError(404, 'NotFound', `${resource} "${name}" not found`);
    },
  }),
} as unknown as ApiClient;

/** The kubelet's configuration with tokens, over a clock the test moves and a counting TokenRequest. */
function setUp(options: { problem?: string; refuse?: boolean } = {}) {
  const podsDir = mkdtempSync(join(tmpdir(), 'kata-11d-'));
  podsDirs.push(podsDir);
  const calls: string[] = [];
  const requests: { namespace: string; account: string; spec: object }[] = [];
  const clock = { now: 1_000_000 };
  const configuration = withPodTokens(innerConfiguration(calls, options.problem), {
    client,
    podsDir,
    now: () => clock.now,
    requestToken: async (namespace, account, request) => {
      if (options.refuse)
        throw new ApiError(404, 'NotFound', `serviceaccounts "${account}" not found`);
      requests.push({ namespace, account, spec: request.spec });
      const expires = new Date((clock.now + 3607) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      return { status: { token: `token-${requests.length}`, expirationTimestamp: expires } };
    },
  });
  const dir = join(podsDir, 'uid-web', 'volumes', 'kubernetes.io~projected', 'kube-api-access');
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { configuration, calls, requests, clock, dir, file };
}

describe("A pod's token", () => {
  test('the TokenRequest asks for an hour and seven seconds, bound to the pod', () => {
    expect(podTokenRequest(pod()), 'the TokenRequest for pod web').toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: [],
        expirationSeconds: 3607,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'uid-web' },
      },
    });
    expect(mountsToken(pod()), 'a pod that says nothing gets a token').toBe(true);
    expect(
      mountsToken(pod({ automountServiceAccountToken: false })),
      'automountServiceAccountToken: false',
    ).toBe(false);
  });

  test('a token is renewed once 80% of its life is gone', () => {
    const held = { token: 't', issuedAt: 1000, expiresAt: 2000 };
    expect(needsRenewal(undefined, 1000), 'no token held yet').toBe(true);
    expect(needsRenewal(held, 1799), 'at 79.9% of its life').toBe(false);
    expect(needsRenewal(held, 1800), 'at 80% of its life').toBe(true);
  });

  test("the kubernetes Service's variables: KUBERNETES_SERVICE_HOST, _PORT and the docker-link forms", () => {
    expect(kubernetesServiceEnv('10.96.0.1', 443), 'the variables for 10.96.0.1:443').toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '443' },
      { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: '443' },
      { name: 'KUBERNETES_PORT', value: 'tcp://10.96.0.1:443' },
      { name: 'KUBERNETES_PORT_443_TCP', value: 'tcp://10.96.0.1:443' },
      { name: 'KUBERNETES_PORT_443_TCP_PROTO', value: 'tcp' },
      { name: 'KUBERNETES_PORT_443_TCP_PORT', value: '443' },
      { name: 'KUBERNETES_PORT_443_TCP_ADDR', value: '10.96.0.1' },
    ]);
  });

  test('every namespace gets kube-root-ca.crt with the CA, put back when it differs, none while going away', async () => {
    const stored = new Map<string, KubeObject>();
    const configMaps = { group: '', version: 'v1', resource: 'configmaps' } as ResourceType;
    const store = {
      resourceOf: () => configMaps,
      get: async (_resource: ResourceType, namespace: string, name: string) => {
        const found = stored.get(`${namespace}/${name}`);
        if (!found) throw new ApiError(404, 'NotFound', `configmaps "${name}" not found`);
        return found;
      },
      create: async (_resource: ResourceType, object: KubeObject) => {
        stored.set(`${object.metadata.namespace}/${object.metadata.name}`, object);
        return object;
      },
      update: async (_resource: ResourceType, object: KubeObject) => {
        stored.set(`${object.metadata.namespace}/${object.metadata.name}`, object);
        return object;
      },
    } as unknown as AdmissionStore;
    const publisher = createRootCaPublisher('CLUSTER CA');
    const namespace = (name: string, deleting = false) =>
      ({
        metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
      }) as KubeObject;
    const caOf = (name: string) =>
      (stored.get(`${name}/kube-root-ca.crt`) as { data?: Record<string, string> } | undefined)
        ?.data;
    await publisher.publish(store, namespace('dev'));
    expect(caOf('dev'), 'a new namespace dev').toEqual({ 'ca.crt': 'CLUSTER CA' });
    stored.set('dev/kube-root-ca.crt', {
      metadata: { name: 'kube-root-ca.crt', namespace: 'dev' },
      data: { 'ca.crt': 'OLD' },
    } as KubeObject);
    await publisher.publish(store, namespace('dev'));
    expect(caOf('dev'), 'a kube-root-ca.crt someone changed').toEqual({ 'ca.crt': 'CLUSTER CA' });
    await publisher.publish(store, namespace('old', true));
    expect(caOf('old'), 'a namespace being deleted').toBeUndefined();
    const followed: string[] = [];
    const feed = {
      follow: async (
        resource: string,
        onEvent: (event: { type: string; object: KubeObject }) => void,
      ) => {
        followed.push(resource);
        onEvent({ type: 'ADDED', object: namespace('prod') });
      },
    };
    await publisher.start(feed as never, store);
    await waitFor(() => caOf('prod') !== undefined, 'the publisher to fill namespace prod');
    expect(followed, 'the publisher follows namespaces').toEqual(['namespaces']);
  });

  test("preparePod asks TokenRequest for the pod's account and writes token, ca.crt and namespace", async () => {
    const { configuration, calls, requests, file, dir } = setUp();
    expect(await configuration.preparePod(pod(), sandbox), 'preparePod of pod web').toBeUndefined();
    expect(calls, "chapter 10a's preparePod ran first").toEqual(['preparePod']);
    expect(requests, 'one TokenRequest for dev/builder').toEqual([
      { namespace: 'dev', account: 'builder', spec: podTokenRequest(pod()).spec },
    ]);
    expect(file('token'), 'the token TokenRequest answered').toBe('token-1');
    expect(file('ca.crt'), "the namespace's kube-root-ca.crt").toBe('CLUSTER CA');
    expect(file('namespace'), "the pod's namespace").toBe('dev');
    expect(statSync(join(dir, 'token')).mode & 0o777, 'the files are 0644').toBe(0o644);
  });

  test('a pod that names no account gets the default one; automountServiceAccountToken: false gets nothing', async () => {
    const { configuration, requests } = setUp();
    await configuration.preparePod(pod({ serviceAccountName: undefined }), sandbox);
    expect(
      requests.map((each) => each.account),
      'a pod without serviceAccountName',
    ).toEqual(['default']);
    const optedOut = pod({ automountServiceAccountToken: false });
    await configuration.preparePod(
      { ...optedOut, metadata: { ...optedOut.metadata, uid: 'uid-2' } },
      sandbox,
    );
    expect(requests.length, 'no TokenRequest for a pod that opted out').toBe(1);
  });

  test('the token is kept while young and renewed, file and all, past 80% of its life', async () => {
    const { configuration, requests, clock, file } = setUp();
    await configuration.preparePod(pod(), sandbox);
    clock.now += 2000;
    await configuration.preparePod(pod(), sandbox);
    expect(requests.length, 'a sync 2000 s into a 3607 s token asks for none').toBe(1);
    clock.now += 1000;
    await configuration.preparePod(pod(), sandbox);
    expect(requests.length, 'a sync 3000 s in (past 80%) asks for a new one').toBe(2);
    expect(file('token'), 'the new token replaced the old in the file').toBe('token-2');
  });

  test('a refused TokenRequest or an unreadable CA holds the pod back with a FailedMount message', async () => {
    const { configuration } = setUp({ refuse: true });
    expect(await configuration.preparePod(pod(), sandbox), 'a TokenRequest answered 404').toBe(
      'MountVolume.SetUp failed for volume "kube-api-access": failed to fetch token: serviceaccounts "builder" not found',
    );
    const held = setUp({ problem: 'configmap "settings" not found' });
    expect(
      await held.configuration.preparePod(pod(), sandbox),
      "chapter 10a's own problem comes first",
    ).toBe('configmap "settings" not found');
    expect(held.requests.length, 'no TokenRequest while chapter 10a holds the pod back').toBe(0);
    const locked = pod();
    locked.metadata.namespace = 'locked';
    expect(
      await setUp().configuration.preparePod(locked, sandbox),
      'a kube-root-ca.crt the kubelet may not read',
    ).toBe(
      'MountVolume.SetUp failed for volume "kube-api-access": configmap "kube-root-ca.crt": configmaps "kube-root-ca.crt" is forbidden',
    );
    const bare = setUp();
    const elsewhere = pod();
    elsewhere.metadata.namespace = 'prod';
    await bare.configuration.preparePod(elsewhere, sandbox);
    expect(
      bare.file('ca.crt'),
      'a namespace with no kube-root-ca.crt (a cluster without a CA)',
    ).toBe('');
  });

  test('every container mounts the files read-only at the well-known path and learns the API address', async () => {
    const { configuration, dir } = setUp();
    const container = pod().spec.containers[0]!;
    const config = await configuration.configureContainer(pod(), container, appConfig, sandbox);
    expect(config.mounts, `a read-only mount at ${SERVICE_ACCOUNT_DIR}`).toEqual([
      { containerPath: SERVICE_ACCOUNT_DIR, hostPath: dir, readonly: true },
    ]);
    const env = Object.fromEntries((config.env ?? []).map(({ name, value }) => [name, value]));
    expect(env, "the kubernetes Service and the container's own variable").toMatchObject({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      OWN: 'yes',
    });
  });

  test("a container's own variable or mount at those names wins; an opted-out pod has no mount", async () => {
    const { configuration } = setUp();
    const container = pod().spec.containers[0]!;
    const own: ContainerConfig = {
      ...appConfig,
      env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }],
      mounts: [{ containerPath: SERVICE_ACCOUNT_DIR, hostPath: '/elsewhere' }],
    };
    const config = await configuration.configureContainer(pod(), container, own, sandbox);
    expect(config.mounts, "the container's own mount there stays, alone").toEqual(own.mounts);
    const hosts = config.env!.filter((variable) => variable.name === 'KUBERNETES_SERVICE_HOST');
    expect(hosts, 'its own KUBERNETES_SERVICE_HOST, once').toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: 'mine' },
    ]);
    const optedOut = await configuration.configureContainer(
      pod({ automountServiceAccountToken: false }),
      container,
      appConfig,
      sandbox,
    );
    expect(optedOut.mounts, 'no mount for a pod with automountServiceAccountToken: false').toEqual(
      [],
    );
  });

  test("everything else is chapter 10a's, and cleanupPod forgets the pod's token", async () => {
    const { configuration, calls, requests } = setUp();
    await configuration.run(new AbortController().signal, () => {});
    configuration.initPlan(pod(), new Map());
    configuration.completeStatus(pod(), { phase: 'Pending' }, []);
    expect(configuration.stopOrder(pod(), ['app']), 'the stop order of 10a').toEqual([['app']]);
    await configuration.preparePod(pod(), sandbox);
    await configuration.cleanupPod('uid-web');
    await configuration.preparePod(pod(), sandbox);
    expect(requests.length, 'a pod made again after cleanup asks for a fresh token').toBe(2);
    expect(calls, 'each call handed to chapter 10a').toEqual([
      'run',
      'initPlan',
      'completeStatus',
      'stopOrder',
      'preparePod',
      'cleanupPod',
      'preparePod',
    ]);
  });
});

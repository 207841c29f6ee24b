// Acceptance (issue #20): what the real kubectl learns from the server's schemas is true. One
// reference cluster of one node; kubectl reads /openapi/v3 for `explain`, for whether the server
// checks fields itself before `create -f` and `apply -f`, and /openapi/v2 to leave kinds it does
// not know to the server. The schemas come from harness/api/schemas.ts, the same description the
// API server's field validation (chapter 03a, fields.ts) walks.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtinResources } from '../api/resources.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let running: KubectlCluster | undefined;
const kubectl = (...args: string[]) => running!.kubectl.run(...args);

/** Writes a manifest into kubectl's home and returns its path. */
function manifest(name: string, text: string): string {
  const file = path.join(running!.kubectl.home, name);
  writeFileSync(file, text);
  return file;
}

/** A pod whose one container has the typo `imagee:` beside its image. */
const typoPod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: kata/echo
    imagee: kata/echo
`;

const it = test.skipIf(!hasKubectl);

describe('kubectl and the schemas', { timeout: 120_000 }, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  beforeAll(async () => {
    if (hasKubectl)
      running = await startKubectlCluster(1, suiteNodeIndexBase.schemas, '127.120.0.0/16');
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
  });

  it('kubectl explain pod.spec.containers prints the fields of a container', async () => {
    const result = await kubectl('explain', 'pod.spec.containers');
    expect(result.code, `kubectl explain pod.spec.containers: ${result.stderr}`).toBe(0);
    for (const field of ['image\t<string>', 'ports\t<[]ContainerPort>', 'env\t<[]EnvVar>']) {
      expect(result.stdout, `kubectl explain pod.spec.containers lists ${field}`).toContain(field);
    }
  });

  it('kubectl explain deployment.spec.strategy prints type and rollingUpdate', async () => {
    const result = await kubectl('explain', 'deployment.spec.strategy');
    expect(result.code, `kubectl explain deployment.spec.strategy: ${result.stderr}`).toBe(0);
    expect(result.stdout, 'the strategy of a Deployment has a type').toMatch(/type\t<string>/);
    expect(result.stdout, 'and the pace of a rolling update').toMatch(
      /rollingUpdate\t<RollingUpdateDeployment>/,
    );
  });

  it('kubectl explain <kind> prints the fields of every kind the server serves', async () => {
    for (const resource of builtinResources) {
      const name =
        resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
      const result = await kubectl('explain', name);
      expect(result.code, `kubectl explain ${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout, `kubectl explain ${name} names the kind`).toContain(
        `KIND:       ${resource.kind}`,
      );
      expect(result.stdout, `kubectl explain ${name} lists metadata among the fields`).toMatch(
        /metadata\t<ObjectMeta>/,
      );
    }
  });

  it('kubectl create -f and apply -f refuse a pod with imagee: with the strict decoding error', async () => {
    const file = manifest('typo.yaml', typoPod('typo'));
    const wanted =
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"';
    for (const verb of ['create', 'apply']) {
      const result = await kubectl(verb, '-f', file);
      expect(result.code, `kubectl ${verb} -f typo.yaml fails: ${result.stdout}`).not.toBe(0);
      expect(result.stderr, `kubectl ${verb} -f typo.yaml says why`).toContain(wanted);
    }
    const get = await kubectl('get', 'pod', 'typo');
    expect(get.stderr, 'the refused pod was not created').toContain('pods "typo" not found');
  });

  it('kubectl apply -f --validate=warn creates the pod without the field and warns of it', async () => {
    const file = manifest('warn.yaml', typoPod('warned'));
    const result = await kubectl('apply', '-f', file, '--validate=warn');
    expect(result.code, `kubectl apply --validate=warn: ${result.stderr}`).toBe(0);
    expect(result.stdout, 'kubectl says the pod was created').toContain('pod/warned created');
    expect(result.stderr, "kubectl prints the server's warning").toContain(
      'Warning: unknown field "spec.containers[0].imagee"',
    );
    const stored = await kubectl('get', 'pod', 'warned', '-o', 'jsonpath={.spec.containers[0]}');
    const container = JSON.parse(stored.stdout) as Record<string, unknown>;
    expect(container.image, 'the stored container keeps its image').toBe('kata/echo');
    expect(container, 'the stored container has no imagee').not.toHaveProperty('imagee');
  });

  it('kubectl apply -f again, without --validate=warn, refuses the patch that would add imagee:', async () => {
    const result = await kubectl('apply', '-f', path.join(running!.kubectl.home, 'warn.yaml'));
    expect(result.code, `kubectl apply -f warn.yaml again fails: ${result.stdout}`).not.toBe(0);
    expect(result.stderr, 'the server checked the pod as patched').toContain(
      'strict decoding error: unknown field "spec.containers[0].imagee"',
    );
  });

  it('kubectl apply -f twice configures a Deployment with a strategic merge from the schemas', async () => {
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        ports:
        - containerPort: 8080
`;
    const first = await kubectl('apply', '-f', manifest('web.yaml', deployment('kata/echo')));
    expect(first.stdout, `kubectl apply -f web.yaml: ${first.stderr}`).toContain(
      'deployment.apps/web created',
    );
    const second = await kubectl('apply', '-f', manifest('web.yaml', deployment('kata/echo:2')));
    expect(second.stdout, `kubectl apply -f web.yaml again: ${second.stderr}`).toContain(
      'deployment.apps/web configured',
    );
    const image = await kubectl(
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[*].image}',
    );
    expect(image.stdout, 'the one container has the new image').toBe('kata/echo:2');
  });

  it('an unknown kind in kubectl create -f and apply -f says no matches for kind', async () => {
    const file = manifest(
      'widget.yaml',
      'apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n---\n' +
        'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n',
    );
    for (const verb of ['create', 'apply']) {
      const result = await kubectl(verb, '-f', file);
      expect(result.code, `kubectl ${verb} -f widget.yaml fails`).not.toBe(0);
      expect(result.stderr, `kubectl ${verb} -f: an unknown kind in v1`).toContain(
        'no matches for kind "Widget" in version "v1"',
      );
      expect(result.stderr, `kubectl ${verb} -f: an unknown group`).toContain(
        'no matches for kind "Gadget" in version "example.com/v1"',
      );
      expect(result.stderr, `kubectl ${verb} -f does not fail on the schemas`).not.toContain(
        'failed to download openapi',
      );
    }
  });
});

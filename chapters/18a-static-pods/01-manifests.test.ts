// Static pod manifests, as pure functions: a file's text to a Pod, the name, uid and defaults a
// static pod gets on its node, a whole folder read, and which pods changed between two reads.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import {
  configHashAnnotation,
  configSeenAnnotation,
  configSourceAnnotation,
} from '../../harness/api/static-pods.ts';
import type { Pod } from '../../harness/api/types.ts';
import {
  changedKeys,
  parseManifest,
  readManifests,
  staticPod,
  staticPodName,
  staticPodUid,
} from './manifests.ts';

const apiserverYaml = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: kata/echo
`;
const seen = '2026-12-03T10:00:00Z';

describe('Static pod manifests', () => {
  test('parseManifest reads a Pod in YAML or in JSON', () => {
    const fromYaml = parseManifest({ path: '/m/kube-apiserver.yaml', text: apiserverYaml });
    expect(fromYaml.metadata.name, 'the name in kube-apiserver.yaml').toBe('kube-apiserver');
    expect(fromYaml.spec.containers[0]?.image, 'its container image').toBe('kata/echo');
    const json = JSON.stringify(examplePod('web'));
    expect(
      parseManifest({ path: '/m/web.json', text: json }).metadata.name,
      'a Pod written as JSON',
    ).toBe('web');
  });

  test('parseManifest refuses what is not a named v1 Pod, naming the file', () => {
    const cases = [
      ['kind: Deployment\napiVersion: apps/v1\nmetadata: {name: web}', 'expected kind Pod'],
      ['apiVersion: v1\nkind: Pod\nmetadata: {}', 'metadata.name is required'],
      ['- just\n- a list', 'not an object'],
      ['apiVersion: v1\nkind: Pod\n  metadata: : :', 'Nested mappings'],
    ];
    for (const [text, words] of cases) {
      expect(
        () => parseManifest({ path: '/m/bad.yaml', text: text! }),
        `reading ${JSON.stringify(text)} throws "/m/bad.yaml: invalid pod: ... ${words}"`,
      ).toThrow(new RegExp(`^/m/bad\\.yaml: invalid pod: .*${words}`));
    }
  });

  test("a static pod's name is the manifest's name, a dash, and the node's name in lower case", () => {
    expect(staticPodName('etcd', 'Control-Plane'), 'etcd on node Control-Plane').toBe(
      'etcd-control-plane',
    );
  });

  test("a static pod's uid is a hash of the pod, the node and the file: the same inputs, the same uid", () => {
    const pod = examplePod('web');
    const uid = staticPodUid(pod, 'node-1', '/m/web.yaml');
    expect(uid, 'an md5 hash in hex').toMatch(/^[0-9a-f]{32}$/);
    expect(staticPodUid(examplePod('web'), 'node-1', '/m/web.yaml'), 'the same pod again').toBe(
      uid,
    );
    const changed = examplePod('web');
    changed.spec.containers[0]!.image = 'kata/echo:2.0';
    const others = [
      staticPodUid(changed, 'node-1', '/m/web.yaml'),
      staticPodUid(pod, 'node-2', '/m/web.yaml'),
      staticPodUid(pod, 'node-1', '/m/other.yaml'),
    ];
    expect(new Set([uid, ...others]).size, 'another image, node or file: four different uids').toBe(
      4,
    );
  });

  test('staticPod: named for the node, in default, bound, annotated, tolerating NoExecute, Pending', () => {
    const manifest = examplePod('web');
    const pod = staticPod(manifest, 'node-1', '/m/web.yaml', seen);
    const uid = staticPodUid(manifest, 'node-1', '/m/web.yaml');
    expect(pod.metadata, 'the metadata of web on node-1').toEqual({
      name: 'web-node-1',
      namespace: 'default',
      uid,
      labels: { app: 'web' },
      annotations: {
        [configHashAnnotation]: uid,
        [configSourceAnnotation]: 'file',
        [configSeenAnnotation]: seen,
      },
    });
    expect(pod.spec.nodeName, 'spec.nodeName').toBe('node-1');
    expect(pod.spec.automountServiceAccountToken, 'no ServiceAccount token').toBe(false);
    expect(pod.spec.tolerations, 'the tolerations').toEqual([
      { operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect(pod.status, 'the status').toEqual({ phase: 'Pending' });
    expect(manifest.metadata.name, 'the manifest itself is left as it was').toBe('web');
  });

  test('staticPod keeps a namespace the manifest gives, and a NoExecute toleration it has', () => {
    const manifest = parseManifest({ path: '/m/a.yaml', text: apiserverYaml });
    manifest.spec.tolerations = [{ operator: 'Exists', effect: 'NoExecute' }];
    const pod = staticPod(manifest, 'cp', '/m/a.yaml', seen);
    expect(pod.metadata.namespace, 'namespace kube-system from the file').toBe('kube-system');
    expect(pod.spec.tolerations, 'no second toleration').toHaveLength(1);
  });

  test('readManifests: every file a pod by key, dot files skipped, bad files and duplicates errors', () => {
    const folder = readManifests(
      [
        { path: '/m/kube-apiserver.yaml', text: apiserverYaml },
        { path: '/m/.kube-apiserver.yaml.swp', text: 'junk' },
        { path: '/m/web.json', text: JSON.stringify(examplePod('web')) },
        { path: '/m/again.yaml', text: apiserverYaml },
        { path: '/m/broken.yaml', text: 'kind: Service' },
      ],
      'cp',
      seen,
    );
    expect([...folder.pods.keys()], 'the keys of the pods read').toEqual([
      'kube-system/kube-apiserver-cp',
      'default/web-cp',
    ]);
    expect(folder.errors, 'the errors').toEqual([
      '/m/again.yaml: a static pod kube-system/kube-apiserver-cp comes from another file',
      '/m/broken.yaml: invalid pod: expected kind Pod in v1, got Service',
    ]);
  });

  test('changedKeys: the pods that came, went, or got a new uid', () => {
    const pod = (uid: string) => ({ metadata: { uid } }) as Pod;
    const before = new Map([
      ['a', pod('1')],
      ['b', pod('2')],
      ['c', pod('3')],
    ]);
    const after = new Map([
      ['a', pod('1')],
      ['b', pod('2b')],
      ['d', pod('4')],
    ]);
    expect(changedKeys(before, after).sort(), 'a kept, b changed, c gone, d new').toEqual([
      'b',
      'c',
      'd',
    ]);
  });
});

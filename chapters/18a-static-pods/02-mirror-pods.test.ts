// Mirror pods, as pure functions: the copy a static pod gets in the API server, and the one step
// the kubelet takes to make the API server's copy match the file.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import { configHashAnnotation, mirrorPodAnnotation } from '../../harness/api/static-pods.ts';
import type { Pod } from '../../harness/api/types.ts';
import { staticPod } from './manifests.ts';
import { mirrorPodOf, mirrorStep } from './mirror-pods.ts';

const node = { name: 'node-1', uid: 'node-uid' };

/** The static pod of examplePod(name) on node-1, Running. */
function runningStatic(name = 'web'): Pod {
  const pod = staticPod(examplePod(name), 'node-1', `/m/${name}.yaml`, '2026-12-03T10:00:00Z');
  pod.status = { phase: 'Running', podIP: '127.244.0.5' };
  return pod;
}

/** The mirror the API server would hold for `pod`: with a uid, a resourceVersion and its status. */
function storedMirror(pod: Pod): Pod {
  const mirror = mirrorPodOf(pod, node);
  mirror.metadata.uid = 'mirror-uid';
  mirror.metadata.resourceVersion = '7';
  mirror.status = structuredClone(pod.status);
  return mirror;
}

describe('Mirror pods', () => {
  test("mirrorPodOf: the static pod's copy, annotated with its hash and owned by the Node", () => {
    const pod = runningStatic();
    const mirror = mirrorPodOf(pod, node);
    const hash = pod.metadata.annotations![configHashAnnotation];
    expect(mirror.metadata.name, 'the same name').toBe('web-node-1');
    expect(mirror.metadata.annotations?.[mirrorPodAnnotation], 'the mirror annotation').toBe(hash);
    expect(mirror.metadata.ownerReferences, 'its owner').toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid', controller: true },
    ]);
    expect(mirror.spec, 'the same spec').toEqual(pod.spec);
  });

  test('mirrorPodOf leaves out what the API server gives: uid, resourceVersion and status', () => {
    const pod = runningStatic();
    pod.metadata.resourceVersion = '3';
    const mirror = mirrorPodOf(pod, node);
    expect(mirror.metadata.uid, 'no uid: the API server gives the mirror its own').toBeUndefined();
    expect(mirror.metadata.resourceVersion, 'no resourceVersion').toBeUndefined();
    expect(mirror.status, 'no status: it is written through pods/status').toBeUndefined();
    expect(pod.metadata.uid, 'the static pod is left as it was').toBeDefined();
  });

  test('mirrorStep: create a missing mirror, delete one whose file is gone, else nothing', () => {
    const pod = runningStatic();
    expect(mirrorStep(pod, undefined), 'a static pod without a mirror').toBe('create');
    expect(mirrorStep(undefined, storedMirror(pod)), 'a mirror without its static pod').toBe(
      'delete',
    );
    expect(mirrorStep(undefined, undefined), 'neither').toBe('none');
    expect(mirrorStep(pod, storedMirror(pod)), 'a mirror that matches').toBe('none');
  });

  test('mirrorStep: replace a mirror being deleted, or one of another version of the file', () => {
    const pod = runningStatic();
    const deleted = storedMirror(pod);
    deleted.metadata.deletionTimestamp = '2026-12-03T10:05:00Z';
    expect(mirrorStep(pod, deleted), 'someone deleted the mirror').toBe('replace');
    const changed = runningStatic();
    changed.spec.containers[0]!.image = 'kata/echo:2.0';
    const edited = staticPod(changed, 'node-1', '/m/web.yaml', '2026-12-03T10:06:00Z');
    expect(mirrorStep(edited, storedMirror(pod)), 'the file was edited: a new hash').toBe(
      'replace',
    );
  });

  test("mirrorStep: write the status when the mirror's is not the static pod's", () => {
    const pod = runningStatic();
    const stale = storedMirror(pod);
    stale.status = { phase: 'Pending' };
    expect(mirrorStep(pod, stale), 'the mirror still says Pending').toBe('status');
  });
});

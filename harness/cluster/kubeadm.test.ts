// The control plane's static pod manifests (./kubeadm.ts): what `kata up --kubeadm` writes and
// `kata upgrade` rewrites.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ComponentPlan } from './arguments.ts';
import {
  manifestFile,
  readManifest,
  staticPodManifest,
  withUse,
  writeManifest,
} from './kubeadm.ts';

const scheduler: ComponentPlan = {
  name: 'scheduler',
  kind: 'scheduler',
  args: ['--kubeconfig', '/data/kubeconfigs/scheduler.conf', '--secure-port', '10259'],
  health: 'http://127.0.0.1:10259/readyz',
};
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('static pod manifests of the control plane', () => {
  test('a component becomes a kube-system pod running its kata run command line', () => {
    const pod = staticPodManifest(scheduler, 'auto');
    expect(pod.metadata, 'named and labelled as kubeadm does').toMatchObject({
      name: 'kube-scheduler',
      namespace: 'kube-system',
      labels: { component: 'kube-scheduler', tier: 'control-plane' },
    });
    const [container] = pod.spec.containers;
    expect(container!.command, 'the command').toEqual(['kata', 'run', 'scheduler']);
    expect(container!.args, 'the planned flags, then --use').toEqual([
      ...scheduler.args,
      '--use',
      'auto',
    ]);
  });

  test('withUse replaces --use and nothing else', () => {
    const upgraded = withUse(staticPodManifest(scheduler, 'auto'), 'solutions');
    expect(upgraded.spec.containers[0]!.args, 'the upgraded flags').toEqual([
      ...scheduler.args,
      '--use',
      'solutions',
    ]);
  });

  test('a manifest is written whole, under its kubeadm file name, and read back', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kata-kubeadm-'));
    const file = manifestFile(dir, 'scheduler');
    expect(path.basename(file), 'the file name').toBe('kube-scheduler.yaml');
    writeManifest(file, staticPodManifest(scheduler, 'mine'));
    expect(readdirSync(path.dirname(file)), 'no partial file left').toEqual([
      'kube-scheduler.yaml',
    ]);
    expect(readManifest(file)?.spec.containers[0]!.args?.at(-1), 'read back').toBe('mine');
  });
});

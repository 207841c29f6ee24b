// `kata up --kubeadm`: the control plane as kubeadm runs it. The store, the API server, the
// controller-manager and the scheduler are not processes the composer starts but static pods of the
// first node's kubelet (chapter 18a): one manifest each in that node's --pod-manifest-path
// (<data dir>/nodes/node-1/manifests, kubeadm's /etc/kubernetes/manifests), named as kubeadm names
// them (etcd.yaml, kube-apiserver.yaml, ...). Each pod's one container runs the same `kata run`
// command line `kata up` would have run (image kata/kata: images/kata.mjs), so the kubelet starts,
// restarts and stops the control plane, and once the API server answers it publishes their mirror
// pods in kube-system: etcd-node-1, kube-apiserver-node-1, ...
//
// Editing a manifest restarts its component (a new file is a new pod to the kubelet); removing it
// stops the component; putting it back starts it again. `kata upgrade` rewrites one manifest's
// --use, the way `kubeadm upgrade apply` rewrites the control plane's images one at a time.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pod } from '../api/types.ts';
import type { Use } from '../components/implementation.ts';
import type { ComponentPlan, NodePlan } from './arguments.ts';
import type { ComponentKind } from './options.ts';

/** The kinds that run as static pods, in the order they come up, with kubeadm's pod names. */
export const staticPodNames: Partial<Record<ComponentKind, string>> = {
  store: 'etcd',
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};

/** Whether a component of the plan runs as a static pod in a kubeadm cluster. */
export function runsAsStaticPod(component: ComponentPlan): boolean {
  return staticPodNames[component.kind] !== undefined;
}

/** The folder of a node's static pod manifests: the kubelet's --pod-manifest-path. */
export function manifestsDir(rootDir: string): string {
  return path.join(rootDir, 'manifests');
}

/** The file of a component's manifest on the control-plane node: <pod name>.yaml. */
export function manifestFile(rootDir: string, kind: ComponentKind): string {
  const name = staticPodNames[kind];
  if (!name) throw new Error(`${kind} does not run as a static pod`);
  return path.join(manifestsDir(rootDir), `${name}.yaml`);
}

/**
 * A component's static pod: in kube-system, labelled as kubeadm labels the control plane, its
 * container running `kata run <kind> <args> --use <use>`.
 */
export function staticPodManifest(component: ComponentPlan, use: Use): Pod {
  const name = staticPodNames[component.kind]!;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: { component: name, tier: 'control-plane' },
    },
    spec: {
      hostNetwork: true,
      restartPolicy: 'Always',
      containers: [
        {
          name,
          image: 'kata/kata',
          command: ['kata', 'run', component.kind],
          args: [...component.args, '--use', use],
        },
      ],
    },
  };
}

/**
 * Writes a manifest whole: to a dot-file first (the kubelet skips those), then renamed into
 * place, so the kubelet never reads half a file.
 */
export function writeManifest(file: string, pod: Pod): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.partial`);
  writeFileSync(partial, stringify(pod));
  renameSync(partial, file);
}

/** Writes the control plane's manifests in the node's manifest folder. */
export function writeControlPlaneManifests(
  node: NodePlan,
  components: ComponentPlan[],
  use: Record<ComponentKind, Use>,
): void {
  for (const component of components)
    writeManifest(
      manifestFile(node.rootDir, component.kind),
      staticPodManifest(component, use[component.kind]),
    );
}

/** A manifest as its file holds it; undefined when there is none. */
export function readManifest(file: string): Pod | undefined {
  if (!existsSync(file)) return undefined;
  return parse(readFileSync(file, 'utf8')) as Pod;
}

/** The manifest with its container's --use set to `use`: what `kata upgrade` writes. */
export function withUse(pod: Pod, use: Use): Pod {
  const upgraded = structuredClone(pod);
  const container = upgraded.spec.containers[0]!;
  const args = [...(container.args ?? [])];
  const at = args.indexOf('--use');
  if (at >= 0) args.splice(at, 2);
  container.args = [...args, '--use', use];
  return upgraded;
}

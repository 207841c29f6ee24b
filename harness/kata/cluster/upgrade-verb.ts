// `kata upgrade <component> --use mine|solutions`: one control-plane component of a `kata up
// --kubeadm` cluster replaced the way `kubeadm upgrade apply` replaces it. The component's static
// pod manifest (harness/cluster/kubeadm.ts) is kept in a backup folder, then rewritten with the new
// --use; the kubelet sees a changed file, stops the old pod and starts the new one; this waits until
// the component's mirror pod carries the new manifest's hash and is Ready. One component at a time,
// the others serving throughout; the API server's own upgrade leaves the API a few seconds away.
// `kata upgrade kubelet --node NAME` replaces one node's kubelet instead (./kubelet-upgrade.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mirrorPodAnnotation } from '../../api/static-pods.ts';
import type { Pod } from '../../api/types.ts';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import type { ApiClient } from '../../client/types.ts';
import {
  manifestFile,
  readManifest,
  staticPodNames,
  withUse,
  writeManifest,
} from '../../cluster/kubeadm.ts';
import { defaultDataDir, type ComponentKind } from '../../cluster/options.ts';
import { isUse } from '../../components/implementation.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { KataError, UsageError } from '../output.ts';

type Flags = Record<string, string | boolean | undefined>;

/** How long the kubelet has to roll the component. */
const rollTimeoutMs = 90_000;

/** The kind a name means: ours (scheduler) or kubeadm's (kube-scheduler, etcd). */
function componentKind(name: string | undefined): ComponentKind {
  const kinds = Object.entries(staticPodNames) as [ComponentKind, string][];
  const found = kinds.find(([kind, podName]) => name === kind || name === podName);
  if (!found)
    throw new UsageError(
      `kata upgrade takes a control-plane component (${kinds.map(([kind]) => kind).join(', ')}) or kubelet --node NAME${name ? `, not "${name}"` : ''}`,
    );
  return found[0];
}

/** The mirror pod's manifest hash, and whether it is Ready; undefined while there is none. */
async function mirrorOf(client: ApiClient, name: string) {
  try {
    const pod = await client.resource<Pod>('pods', 'kube-system').get(name);
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return { hash: pod.metadata.annotations?.[mirrorPodAnnotation], ready: ready === true };
  } catch {
    return undefined;
  }
}

/** Waits until the mirror pod `name` has a hash other than `before` and is Ready. */
async function rolled(client: ApiClient, name: string, before: string | undefined) {
  const deadline = Date.now() + rollTimeoutMs;
  while (Date.now() < deadline) {
    const mirror = await mirrorOf(client, name);
    if (mirror?.hash && mirror.hash !== before && mirror.ready) return;
    await sleep(500);
  }
  throw new KataError(
    `${name} did not come back Ready with the new manifest within ${rollTimeoutMs / 1000} s: see kubectl -n kube-system describe pod ${name}, and the kubelet's log`,
  );
}

/** `kata upgrade <component> --use mine|solutions [--data-dir DIR]`. */
export async function upgrade(name: string | undefined, flags: Flags): Promise<number> {
  // A node's kubelet is not a static pod: it is replaced in place (./kubelet-upgrade.ts).
  if (name === 'kubelet') return (await import('./kubelet-upgrade.ts')).upgradeKubelet(flags);
  const kind = componentKind(name);
  const use = flags.use;
  if (typeof use !== 'string' || !isUse(use))
    throw new UsageError('kata upgrade needs --use mine, solutions or auto: whose code to run');
  const dataDir = path.resolve(
    typeof flags['data-dir'] === 'string' ? flags['data-dir'] : defaultDataDir,
  );
  // The control plane runs on the first node (harness/cluster/kubeadm.ts).
  const rootDir = path.join(dataDir, 'nodes', 'node-1');
  const file = manifestFile(rootDir, kind);
  const manifest = readManifest(file);
  if (!manifest)
    throw new KataError(
      `no static pod manifest ${path.relative(process.cwd(), file)}: kata upgrade works on a cluster started with kata up --kubeadm`,
    );
  const pod = `${staticPodNames[kind]}-node-1`;
  const args = manifest.spec.containers[0]?.args ?? [];
  if (args[args.indexOf('--use') + 1] === use) {
    console.log(`[upgrade] ${pod} already runs with --use ${use}: nothing to do`);
    return 0;
  }
  const config = readKubeconfig(path.join(dataDir, 'kubeconfig'));
  const client = toolkit.createClient({ ...config, userAgent: 'kata-upgrade' });
  const before = (await mirrorOf(client, pod))?.hash;
  const backups = path.join(dataDir, 'kubeadm-backup-manifests');
  mkdirSync(backups, { recursive: true });
  copyFileSync(file, path.join(backups, path.basename(file)));
  writeManifest(file, withUse(manifest, use));
  console.log(
    `[upgrade/staticpods] wrote the new manifest for ${staticPodNames[kind]} (--use ${use}) to ${path.relative(process.cwd(), file)}`,
  );
  console.log(`[upgrade/staticpods] the old one is in ${path.relative(process.cwd(), backups)}/`);
  console.log('[upgrade/staticpods] waiting for the kubelet to restart the component');
  await rolled(client, pod, before);
  console.log(`[upgrade/staticpods] ${pod} runs the new manifest and is Ready`);
  return 0;
}

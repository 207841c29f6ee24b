// The components that run as pods in a `kata up --kubeadm` cluster, as `kata components`, `kata
// kill` and `kata restart` see them (through ./control.ts): the control plane's static pods
// (./kubeadm.ts) and kubeadm's add-on pods (./kubeadm-addons.ts). They keep the names `kata up`
// gives its processes (store, apiserver, scheduler, proxy-node-1, dns), so a drill reads the same
// on either cluster.
//
// A static pod is killed the kubeadm way, its manifest moved out of the kubelet's folder (into
// <data dir>/kubeadm-stopped-manifests/): the kubelet stops it and it stays down. Restarting moves
// it back (or, when it runs, out and back once it has stopped) and waits for its health endpoint.
// An add-on pod belongs to its DaemonSet or Deployment: killing it deletes the pod, and the
// controller makes another (that is what its owner is for); restarting does the same and waits.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import { isUse, type Use } from '../components/implementation.ts';
import type { ComponentPlan, NodePlan } from './arguments.ts';
import { manifestFile, readManifest, staticPodNames } from './kubeadm.ts';
import { chaptersRun, type ComponentKind } from './options.ts';
import { answersOk, readiness } from './readiness.ts';

/** A pod component as GET /components lists it (no pid: the kubelet's runtime holds it). */
export interface ListedPod {
  name: string;
  kind: ComponentKind;
  state: 'starting' | 'running' | 'killed';
  restarts: number;
  health: string;
  use: Use;
  chapters: string[];
  /** Which pod it is: kube-system/<name>. */
  pod?: string;
}

/**
 * Where `kata kill` sets static pods' manifests aside. `kata up` empties it when it writes the
 * control plane's manifests again: nothing is killed in a cluster that just started.
 */
export function stoppedManifestsDir(dataDir: string): string {
  return path.join(dataDir, 'kubeadm-stopped-manifests');
}

/** How long a component has to stop once its manifest is gone, or its pod deleted. */
const stopTimeoutMs = 60_000;
const never = new Promise<void>(() => {});

export class PodComponents {
  private readonly node: NodePlan;
  private readonly staticPods: ComponentPlan[];
  private readonly addons: ComponentPlan[];
  private readonly dataDir: string;
  private readonly client: ApiClient;
  private readonly use: Record<ComponentKind, Use>;

  constructor(options: {
    node: NodePlan;
    staticPods: ComponentPlan[];
    addons: ComponentPlan[];
    dataDir: string;
    client: ApiClient;
    use: Record<ComponentKind, Use>;
  }) {
    ({ node: this.node, staticPods: this.staticPods, addons: this.addons } = options);
    ({ dataDir: this.dataDir, client: this.client, use: this.use } = options);
  }

  get names(): string[] {
    return [...this.staticPods, ...this.addons].map((component) => component.name);
  }

  private plan(name: string): ComponentPlan | undefined {
    return [...this.staticPods, ...this.addons].find((component) => component.name === name);
  }

  private isStatic(component: ComponentPlan): boolean {
    return this.staticPods.includes(component);
  }

  /** Where a static pod's manifest waits while it is killed. */
  private aside(component: ComponentPlan): string {
    const file = manifestFile(this.node.rootDir, component.kind);
    return path.join(stoppedManifestsDir(this.dataDir), path.basename(file));
  }

  /** The pod a component runs as now; undefined when there is none or the API does not answer. */
  private async podOf(component: ComponentPlan): Promise<Pod | undefined> {
    const pods = this.client.resource<Pod>('pods', 'kube-system');
    try {
      if (this.isStatic(component))
        return await pods.get(`${staticPodNames[component.kind]}-${this.node.name}`);
      const app = component.kind === 'dns' ? 'kube-dns' : 'kube-proxy';
      const { items } = await pods.list({ labelSelector: `k8s-app=${app}` });
      const node = component.name.replace(/^proxy-/, '');
      return items.find(
        (pod) =>
          !pod.metadata.deletionTimestamp &&
          (component.kind === 'dns' || pod.spec.nodeName === node),
      );
    } catch {
      return undefined;
    }
  }

  /** Whose code it runs: its manifest's (or pod's) --use, else the cluster's choice. */
  private useOf(component: ComponentPlan, pod: Pod | undefined): Use {
    const manifest = this.isStatic(component)
      ? readManifest(manifestFile(this.node.rootDir, component.kind))
      : pod;
    const args = manifest?.spec.containers[0]?.args ?? [];
    const use = args[args.indexOf('--use') + 1] ?? '';
    return isUse(use) ? use : this.use[component.kind];
  }

  async list(): Promise<ListedPod[]> {
    return Promise.all(
      [...this.staticPods, ...this.addons].map(async (component) => {
        const pod = await this.podOf(component);
        const use = this.useOf(component, pod);
        const killed = this.isStatic(component) && existsSync(this.aside(component));
        const up = !killed && (await answersOk(component.health));
        return {
          name: component.name,
          kind: component.kind,
          state: killed ? 'killed' : up ? 'running' : 'starting',
          restarts: pod?.status?.containerStatuses?.[0]?.restartCount ?? 0,
          health: component.health,
          use,
          chapters: chaptersRun(component.kind, use).map(
            (chapter) => `${chapter.id} ${chapter.yours ? 'yours' : 'reference'}`,
          ),
          pod: pod ? `kube-system/${pod.metadata.name}` : undefined,
        } satisfies ListedPod;
      }),
    );
  }

  /** Stops a component: its manifest set aside, or its pod deleted. Answers what was done. */
  async kill(name: string): Promise<string> {
    const component = this.plan(name)!;
    if (this.isStatic(component)) {
      const file = manifestFile(this.node.rootDir, component.kind);
      if (!existsSync(file)) return `${name} is not running: its manifest is not in place`;
      mkdirSync(path.dirname(this.aside(component)), { recursive: true });
      renameSync(file, this.aside(component));
      return `${name} killed: its manifest moved to ${path.relative(process.cwd(), this.aside(component))}`;
    }
    const pod = await this.podOf(component);
    if (!pod) return `${name} has no pod to delete`;
    await this.client.resource('pods', 'kube-system').delete(pod.metadata.name!);
    const owner = component.kind === 'dns' ? 'deployment/kube-dns' : 'daemonset/kube-proxy';
    return `${name}'s pod ${pod.metadata.name} deleted: ${owner} makes another`;
  }

  /** Stops a component as kill does, starts it again, and waits for its health endpoint. */
  async restart(name: string): Promise<string> {
    const component = this.plan(name)!;
    if (this.isStatic(component)) {
      const file = manifestFile(this.node.rootDir, component.kind);
      if (!existsSync(file) && !existsSync(this.aside(component)))
        throw new Error(
          `${name}'s manifest is neither in ${path.relative(process.cwd(), file)} nor set aside by kata kill: put it back`,
        );
      if (!existsSync(this.aside(component))) {
        await this.kill(name);
        await this.until(component, false);
      }
      renameSync(this.aside(component), file);
    } else {
      const before = await this.podOf(component);
      await this.kill(name);
      const deadline = Date.now() + stopTimeoutMs;
      while ((await this.podOf(component))?.metadata.uid === before?.metadata.uid) {
        if (Date.now() > deadline) throw new Error(`${name}'s pod was not replaced`);
        await sleep(250);
      }
    }
    if ((await readiness(component.health, never)) !== 'ready')
      throw new Error(`${name} did not answer ${component.health} after its restart`);
    return `${name} restarted`;
  }

  /** Waits until the component's health endpoint answers (`up`) or stops answering. */
  private async until(component: ComponentPlan, up: boolean): Promise<void> {
    const deadline = Date.now() + stopTimeoutMs;
    while ((await answersOk(component.health)) !== up) {
      if (Date.now() > deadline)
        throw new Error(`${component.name} did not ${up ? 'start' : 'stop'}`);
      await sleep(250);
    }
  }
}

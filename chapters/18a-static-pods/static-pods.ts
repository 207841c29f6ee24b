// The static pod source: the kubelet's --pod-manifest-path as a StaticPodSource
// (harness/contracts/kubelet.ts), the seam through which chapter 06's kubelet takes pods from files.
//
//   manifest folder ──(watch, and a full read every 20 s)──▶ scan() ──▶ changed keys ──▶ kubelet queue
//                                                                                         │
//   API server ◀── mirror pod created, replaced, status written, deleted ◀── syncMirror(key)
//
// The kubelet asks get(key) for the pod to run, tells setStatus what it observed, and calls
// syncMirror after each sync. Mirror pods need an API server; a standalone kubelet (no client)
// runs its static pods all the same and makes none.
import type { Pod, PodStatus } from '../../harness/api/types.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { StaticPodHost, StaticPodSource } from '../../harness/contracts/kubelet.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ManifestFile } from './manifests.ts';

const section = '§ The static pod source';

export interface StaticPodsOptions {
  /** The folder of manifests (--pod-manifest-path). A folder that does not exist holds none. */
  manifestPath: string;
  nodeName: string;
  /** The API server, for mirror pods; without it, none are made. */
  client?: ApiClient;
  clock?: TimerClock;
  /** How often the folder is read whole, besides watching it. 20 s, as the kubelet's. */
  fileCheckMs?: number;
  /** Told why a file gives no pod (each reason once while it lasts). */
  onError?: (message: string) => void;
}

export class StaticPods implements StaticPodSource {
  private readonly options: StaticPodsOptions;
  private readonly clock: TimerClock;

  constructor(options: StaticPodsOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** The files of the manifest folder (none when it does not exist), by name. */
  async readFolder(): Promise<ManifestFile[]> {
    throw new NotImplemented('StaticPods.readFolder', section);
  }

  /**
   * Reads the folder again; answers the keys of the static pods that came, went or changed. A pod
   * whose file did not change is kept as it was (its status, when it was first seen). Scans run
   * one after the other; each error readManifests gives is told to onError once while it lasts.
   */
  scan(): Promise<string[]> {
    throw new NotImplemented('StaticPods.scan', section);
  }

  /** The static pod under "namespace/name", as its file says, with the status last set. */
  get(podKey: string): Pod | undefined {
    throw new NotImplemented('StaticPods.get', section);
  }

  /** Records the status the kubelet observed for the static pod (its mirror shows it). */
  setStatus(podKey: string, status: PodStatus): void {
    throw new NotImplemented('StaticPods.setStatus', section);
  }

  /**
   * Scans now, then on every change the folder's watch reports and every fileCheckMs, calling
   * resync for each changed key, until `signal` aborts. Resolves once the first scan is done.
   */
  async watch(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    throw new NotImplemented('StaticPods.watch', section);
  }

  /**
   * Makes the static pods' queue (a controller of host.toolkit on host.clock, reconciling each key
   * with reconcile), then watches the folder resyncing into it, until `signal` aborts. Resolves
   * once the first read is done; the queue keeps running.
   */
  async run(signal: AbortSignal, host: StaticPodHost): Promise<void> {
    throw new NotImplemented('StaticPods.run', section);
  }

  /** Queues the static pod (or its mirror) for a sync, now or after `afterMs`. */
  resync(podKey: string, afterMs = 0): void {
    throw new NotImplemented('StaticPods.resync', section);
  }

  /**
   * One static pod's sync: its file's pod run through the host (every sandbox of another uid
   * killed first, then syncPod), or, its file gone, killed with the grace it last had; then
   * syncMirror with the pod the host's informer has under the key.
   */
  async reconcile(podKey: string, host: StaticPodHost): Promise<void> {
    throw new NotImplemented('StaticPods.reconcile', section);
  }

  /**
   * Makes the API server's mirror pod match the static pod of `podKey`, by mirrorStep: creates it
   * (owned by this Node, then its status written), deletes one deleted or outdated (at once, that
   * very uid) and creates it again, writes its status (not twice the same), or deletes it when the
   * static pod is gone. Without a client, nothing.
   */
  async syncMirror(podKey: string, mirror: Pod | undefined): Promise<void> {
    throw new NotImplemented('StaticPods.syncMirror', section);
  }
}

/** The static pod source for the kubelet (harness/contracts/kubelet.ts). */
export function createStaticPods(options: StaticPodsOptions): StaticPods {
  throw new NotImplemented('createStaticPods', section);
}

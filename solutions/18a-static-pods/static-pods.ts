// The static pod source: the kubelet's --pod-manifest-path as a StaticPodSource
// (harness/contracts/kubelet.ts), the seam through which chapter 06's kubelet takes pods from files.
//
//   manifest folder ──(watch, and a full read every 20 s)──▶ scan() ──▶ changed keys ──▶ kubelet queue
//                                                                                         │
//   API server ◀── mirror pod created, replaced, status written, deleted ◀── syncMirror(key)
//
// run() keeps a queue of static pod keys, synced through the kubelet's own steps (StaticPodHost:
// syncPod, killPod) and then syncMirror; the kubelet asks get(key), tells setStatus what it
// observed, and queues a key again through resync (a back-off, a mirror changed in the API). Mirror pods need an API server; a standalone kubelet (no client)
// runs its static pods all the same and makes none.
import { watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Node, Pod, PodStatus } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, WorkQueue } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import type { StaticPodHost, StaticPodSource } from '../../harness/contracts/kubelet.ts';
import { changedKeys, readManifests, type ManifestFile } from './manifests.ts';
import { mirrorPodOf, mirrorStep } from './mirror-pods.ts';

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
  /** The static pods by key, as the last scan found them (with the status last set). */
  private pods = new Map<string, Pod>();
  /** The errors of the last scan, so that each is told once. */
  private errors = new Set<string>();
  /** The status last written to each mirror pod (by its uid), as JSON. */
  private readonly written = new Map<string, string>();
  /** The grace period of each static pod last run, for stopping it once its file is gone. */
  private readonly gracePeriods = new Map<string, number>();
  /** The static pods' queue, once run() made it. */
  private queue: WorkQueue | undefined;
  /** The scan running now: scans run one after the other. */
  private scanning: Promise<string[]> = Promise.resolve([]);

  constructor(options: StaticPodsOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** The files of the manifest folder (none when it does not exist), by name. */
  async readFolder(): Promise<ManifestFile[]> {
    const folder = this.options.manifestPath;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    const files: ManifestFile[] = [];
    for (const name of names.sort()) {
      const file = path.join(folder, name);
      files.push({ path: file, text: await readFile(file, 'utf8') });
    }
    return files;
  }

  /**
   * Reads the folder again; answers the keys of the static pods that came, went or changed. A pod
   * whose file did not change is kept as it was (its status, when it was first seen).
   */
  scan(): Promise<string[]> {
    this.scanning = this.scanning.catch(() => []).then(() => this.scanOnce());
    return this.scanning;
  }

  private async scanOnce(): Promise<string[]> {
    const seen = rfc3339(this.clock.now());
    const { pods, errors } = readManifests(await this.readFolder(), this.options.nodeName, seen);
    for (const [key, pod] of pods) {
      const known = this.pods.get(key);
      if (known && known.metadata.uid === pod.metadata.uid) pods.set(key, known);
    }
    for (const error of errors) if (!this.errors.has(error)) this.options.onError?.(error);
    this.errors = new Set(errors);
    const changed = changedKeys(this.pods, pods);
    this.pods = pods;
    return changed;
  }

  get(podKey: string): Pod | undefined {
    return this.pods.get(podKey);
  }

  setStatus(podKey: string, status: PodStatus): void {
    const pod = this.pods.get(podKey);
    if (pod) this.pods.set(podKey, { ...pod, status });
  }

  /**
   * Reads the folder, then runs the static pods' queue through the kubelet's steps (`host`), and
   * watches the folder, until `signal` aborts. Resolves once the first read is done.
   */
  async run(signal: AbortSignal, host: StaticPodHost): Promise<void> {
    const { toolkit, clock } = host;
    const controller = toolkit.createController({
      name: `static-pods-${this.options.nodeName}`,
      queue: toolkit.createWorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 10_000 }),
      reconcile: (key) => this.reconcile(key, host),
      workers: 4,
    });
    this.queue = controller.queue;
    await this.watch(signal, (key) => this.resync(key));
    void controller.run(signal);
  }

  resync(podKey: string, afterMs = 0): void {
    if (afterMs > 0) this.queue?.addAfter(podKey, afterMs);
    else this.queue?.add(podKey);
  }

  /**
   * One static pod's sync: the pod its file gives run (a changed file gives a new uid, so the old
   * one's sandbox goes first) or, its file gone, stopped; then its mirror made to match.
   */
  async reconcile(podKey: string, host: StaticPodHost): Promise<void> {
    const pod = this.pods.get(podKey);
    const grace = this.gracePeriods.get(podKey) ?? 30;
    if (pod) {
      this.gracePeriods.set(podKey, pod.spec.terminationGracePeriodSeconds ?? 30);
      await host.killPod(podKey, grace, pod.metadata.uid);
      await host.syncPod(pod);
    } else {
      await host.killPod(podKey, grace);
      this.gracePeriods.delete(podKey);
    }
    await this.syncMirror(podKey, host.apiPod(podKey));
  }

  /**
   * Scans now, then on every change the folder's watch reports and every fileCheckMs, calling
   * resync for each changed key, until `signal` aborts.
   */
  async watch(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    const rescan = () =>
      this.scan().then(
        (keys) => keys.forEach(resync),
        (error: Error) => this.options.onError?.(`${this.options.manifestPath}: ${error.message}`),
      );
    await rescan();
    // A folder made later is watched from the first periodic read that finds it.
    let watching = false;
    const watchFolder = () => {
      if (watching || signal.aborted) return;
      try {
        const watcher = watch(this.options.manifestPath, { signal }, () => void rescan());
        watcher.on('error', () => {});
        watching = true;
      } catch {
        // No folder yet.
      }
    };
    watchFolder();
    const tick = () => {
      if (signal.aborted) return;
      watchFolder();
      void rescan().finally(() => {
        if (!signal.aborted)
          timer = this.clock.setTimeout(tick, this.options.fileCheckMs ?? 20_000);
      });
    };
    let timer = this.clock.setTimeout(tick, this.options.fileCheckMs ?? 20_000);
    signal.addEventListener('abort', () => this.clock.clearTimeout(timer), { once: true });
  }

  async syncMirror(podKey: string, mirror: Pod | undefined): Promise<void> {
    const { client } = this.options;
    if (!client) return;
    const pod = this.pods.get(podKey);
    let step = mirrorStep(pod, mirror);
    if (
      step === 'status' &&
      this.written.get(mirror!.metadata.uid!) === JSON.stringify(pod!.status)
    )
      step = 'none';
    if (step === 'none') return;
    if (step === 'delete' || step === 'replace') await this.deleteMirror(client, mirror!);
    if (step === 'delete') return;
    if (step === 'status') return this.writeStatus(client, mirror!, pod!.status!);
    const nodeName = this.options.nodeName;
    const node = await client.resource<Node>('nodes').get(nodeName);
    const pods = client.resource<Pod>('pods', pod!.metadata.namespace);
    const created = await pods.create(
      mirrorPodOf(pod!, { name: nodeName, uid: node.metadata.uid! }),
    );
    if (pod!.status) await this.writeStatus(client, created, pod!.status);
  }

  /** Deletes the mirror pod at once, that very one (its uid); one already gone is fine. */
  private async deleteMirror(client: ApiClient, mirror: Pod): Promise<void> {
    const pods = client.resource<Pod>('pods', mirror.metadata.namespace);
    try {
      await pods.delete(mirror.metadata.name!, {
        gracePeriodSeconds: 0,
        preconditions: { uid: mirror.metadata.uid },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.written.delete(mirror.metadata.uid!);
  }

  /** Writes the static pod's status onto its mirror pod, and remembers it was written. */
  private async writeStatus(client: ApiClient, mirror: Pod, status: PodStatus): Promise<void> {
    const pods = client.resource<Pod>('pods', mirror.metadata.namespace);
    await pods.updateStatus({ ...mirror, status });
    this.written.set(mirror.metadata.uid!, JSON.stringify(status));
  }
}

/** The static pod source for the kubelet (harness/contracts/kubelet.ts). */
export function createStaticPods(options: StaticPodsOptions): StaticPods {
  return new StaticPods(options);
}

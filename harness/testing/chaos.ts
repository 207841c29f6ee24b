// A chaos run on a running cluster, after the robustness tests of Kubernetes and of etcd: while a
// Deployment rolls to a new template, a seeded random choice of the cluster's components (the
// store, the API server, the scheduler, the controller-manager, a kubelet, a proxy) is killed with
// SIGKILL every few seconds through the cluster's control endpoint (harness/cluster/control.ts),
// left down a moment, and restarted. Meanwhile a writer creates ConfigMaps one after another and
// records every one the API server acknowledged (a 2xx), and a sampler reads the store's revision
// (the header of an etcd range) and the API server's list resourceVersion.
//
// At the end it checks, and returns the figures of, four things:
//   1. the Deployment is complete: observedGeneration caught up, and updated, available and
//      total replicas all equal to the desired count;
//   2. every Service's Endpoints hold exactly the IPs of its Ready pods;
//   3. no acknowledged write is lost: every ConfigMap the writer got a 2xx for is read back;
//   4. neither revision ever went backwards, across every restart (the store keeps its data
//      directory, so a restarted store carries on from the revision it had).
// The same seed makes the same choices of victim and pause, so a failure can be run again.
import type { Deployment, KubeObject, Pod, Service } from '../api/types.ts';
import { exampleDeployment, exampleService } from '../api/examples.ts';
import { waitFor } from './wait.ts';

/** What a chaos run is told. */
export interface ChaosOptions {
  /** The API server's URL and the cluster's control endpoint (RunningCluster). */
  apiserver: string;
  controlUrl: string;
  /** Replicas of the Deployment that rolls. */
  pods: number;
  /** Its rolling update's pace; Kubernetes' default (25% and 25%) if unset. */
  rollingUpdate?: { maxSurge: number | string; maxUnavailable: number | string };
  /** How long the killing goes on, from the start of the rolling update. */
  durationMs: number;
  seed: number;
  /**
   * Whom to kill: `random`, any component each time until the time is up; or `each kind once`,
   * one component of every kind (store, apiserver, ...) in a seeded order, however long it takes,
   * which the end-to-end run uses so that every kind is seen to recover.
   */
  victims: 'random' | 'each kind once';
  /** How long the cluster has to settle, before the chaos and after it. */
  settleTimeoutMs: number;
  print: (line: string) => void;
}

/** One kill and its restart, in seconds from the start of the run. */
export interface ChaosKill {
  component: string;
  killedAt: number;
  restartedAt: number;
}

/** What a chaos run did and found. */
export interface ChaosReport {
  kills: ChaosKill[];
  /** Components not running at the end (none, when every one recovered). */
  notRunning: string[];
  /** When the rolling update was first seen complete, in seconds from the start. */
  rolloutCompleteAt: number;
  /** Seconds from the last restart to the Deployment and the Endpoints both right. */
  convergedAfter: number;
  acknowledged: number;
  failedWrites: number;
  lost: string[];
  storeRevisions: RevisionSeries;
  listRevisions: RevisionSeries;
}

/** The samples of one revision: the first, the last, and every step back. */
export interface RevisionSeries {
  samples: number;
  first?: number;
  last?: number;
  backwards: { at: number; from: number; to: number }[];
}

/** A small seeded random number generator (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME = 'chaos';
const RUN_LABEL = 'kata.dev/chaos-run';

/** Resolves after `ms`, or at once when `signal` aborts: the run's own pacing, not a wait. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** GET a JSON object from the API server, or undefined when it does not answer 2xx. */
async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The components of the cluster, as its control endpoint lists them. */
interface Listed {
  name: string;
  kind: string;
  state: string;
  health: string;
}

async function components(controlUrl: string): Promise<Listed[]> {
  const listed = await getJson<Listed[]>(`${controlUrl}/components`);
  if (!listed) throw new Error(`the control endpoint ${controlUrl} did not answer`);
  return listed;
}

/** Asks the control endpoint to kill or restart one component; throws what it answered if not. */
async function control(controlUrl: string, verb: 'kill' | 'restart', name: string) {
  const response = await fetch(`${controlUrl}/${verb}/${name}`, { method: 'POST' });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(`${verb} ${name}: ${body.message ?? `HTTP ${response.status}`}`);
  }
}

/**
 * The writer: creates ConfigMaps one after another until `signal` aborts, and keeps the names of
 * those the API server acknowledged. A failed write (the API server or the store down) is counted
 * and tried again under a new name a moment later.
 */
class Writer {
  readonly acknowledged: string[] = [];
  failed = 0;
  private next = 0;
  private readonly apiserver: string;
  readonly run: string;

  constructor(apiserver: string, run: string) {
    this.apiserver = apiserver;
    this.run = run;
  }

  async write(signal: AbortSignal): Promise<void> {
    const url = `${this.apiserver}/api/v1/namespaces/default/configmaps`;
    while (!signal.aborted) {
      const name = `${NAME}-write-${this.next++}`;
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels: { [RUN_LABEL]: this.run } },
        data: { written: new Date().toISOString() },
      });
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      }).then(
        async (response) => (await response.arrayBuffer(), response.ok),
        () => false,
      );
      if (ok) this.acknowledged.push(name);
      else this.failed++;
      await pause(ok ? 50 : 250, signal);
    }
  }
}

/** Samples one revision now and then, and notes every step back. */
class RevisionSampler {
  readonly series: RevisionSeries = { samples: 0, backwards: [] };
  private readonly read: () => Promise<number | undefined>;
  private readonly startedAt: number;

  constructor(read: () => Promise<number | undefined>, startedAt: number) {
    this.read = read;
    this.startedAt = startedAt;
  }

  async sample(signal: AbortSignal): Promise<void> {
    let highest = 0;
    while (!signal.aborted) {
      const revision = await this.read();
      if (revision !== undefined) {
        const { series } = this;
        series.samples++;
        series.first ??= revision;
        series.last = revision;
        if (revision < highest)
          series.backwards.push({ at: since(this.startedAt), from: highest, to: revision });
        highest = Math.max(highest, revision);
      }
      await pause(250, signal);
    }
  }
}

/** Seconds since `start` (a performance.now()), to a tenth. */
function since(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}

/** The store's current revision: the header of a range of one key, as etcd answers it. */
function storeRevision(storeUrl: string) {
  return async () => {
    try {
      const response = await fetch(`${storeUrl}/v3/kv/range`, {
        method: 'POST',
        body: JSON.stringify({ key: Buffer.from('/kata-chaos-probe').toString('base64') }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) return undefined;
      const { header } = (await response.json()) as { header?: { revision?: string } };
      return header?.revision === undefined ? undefined : Number(header.revision);
    } catch {
      return undefined;
    }
  };
}

/** The API server's list resourceVersion, of a small list (the namespaces). */
function listRevision(apiserver: string) {
  return async () => {
    const list = await getJson<KubeObject>(`${apiserver}/api/v1/namespaces`);
    const version = list?.metadata.resourceVersion;
    return version === undefined ? undefined : Number(version);
  };
}

/** What is still not right about the Deployment, or undefined once it is complete. */
async function deploymentIncomplete(apiserver: string, desired: number) {
  const url = `${apiserver}/apis/apps/v1/namespaces/default/deployments/${NAME}`;
  const deployment = await getJson<Deployment>(url);
  if (!deployment) return 'the Deployment could not be read';
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation)
    return `observedGeneration ${status.observedGeneration ?? 0} of generation ${generation}`;
  const counts = {
    replicas: status.replicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    available: status.availableReplicas ?? 0,
  };
  if (Object.values(counts).every((count) => count === desired)) return undefined;
  return `replicas ${counts.replicas}, updated ${counts.updated}, available ${counts.available} of ${desired}`;
}

const isReady = (pod: Pod) =>
  !pod.metadata.deletionTimestamp &&
  pod.status?.phase === 'Running' &&
  pod.status.podIP !== undefined &&
  (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

interface Endpoints extends KubeObject {
  subsets?: { addresses?: { ip: string }[] }[];
}

/** Which Service's Endpoints differ from its Ready pods, or undefined when none does. */
async function endpointsWrong(apiserver: string) {
  const services = await getJson<{ items: Service[] }>(`${apiserver}/api/v1/services`);
  if (!services) return 'the Services could not be listed';
  for (const service of services.items) {
    const selector = service.spec.selector ?? {};
    if (Object.keys(selector).length === 0) continue;
    const namespace = service.metadata.namespace ?? 'default';
    const name = service.metadata.name!;
    const labels = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = await getJson<{ items: Pod[] }>(
      `${apiserver}/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(labels)}`,
    );
    const endpoints = await getJson<Endpoints>(
      `${apiserver}/api/v1/namespaces/${namespace}/endpoints/${name}`,
    );
    if (!pods || !endpoints) return `${namespace}/${name}: its pods or Endpoints could not be read`;
    const ready = pods.items.filter(isReady).map((pod) => pod.status!.podIP!);
    const listed = (endpoints.subsets ?? []).flatMap((subset) =>
      (subset.addresses ?? []).map((address) => address.ip),
    );
    const missing = ready.filter((ip) => !listed.includes(ip));
    const extra = listed.filter((ip) => !ready.includes(ip));
    if (missing.length > 0 || extra.length > 0 || listed.length !== new Set(listed).size)
      return `${namespace}/${name}: ${ready.length} Ready pods, ${listed.length} addresses (${missing.length} missing, ${extra.length} not Ready)`;
  }
  return undefined;
}

/** Waits until the Deployment is complete and every Service's Endpoints are right. */
async function converged(apiserver: string, desired: number, timeoutMs: number) {
  let problem: string | undefined = 'not yet checked';
  await waitFor(
    async () => {
      problem =
        (await deploymentIncomplete(apiserver, desired)) ?? (await endpointsWrong(apiserver));
      return problem === undefined;
    },
    "the Deployment complete and every Service's Endpoints right",
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${problem}`);
  });
}

/** The acknowledged writes not read back: every ConfigMap of this run, listed at the end. */
async function lostWrites(apiserver: string, run: string, acknowledged: string[]) {
  const selector = encodeURIComponent(`${RUN_LABEL}=${run}`);
  const url = `${apiserver}/api/v1/namespaces/default/configmaps?labelSelector=${selector}`;
  let list: { items: KubeObject[] } | undefined;
  await waitFor(async () => (list = await getJson(url)) !== undefined, 'the ConfigMaps', 60_000);
  const present = new Set(list!.items.map((object) => object.metadata.name));
  return acknowledged.filter((name) => !present.has(name));
}

/** POSTs an object to the API server; throws with its answer if it is refused. */
async function create(url: string, object: KubeObject): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(object),
  });
  if (!response.ok)
    throw new Error(`creating ${object.kind} ${object.metadata.name}: ${await response.text()}`);
}

/** The Service and the Deployment the run rolls, complete before any chaos. */
async function prepare(options: ChaosOptions): Promise<void> {
  const { apiserver } = options;
  await create(`${apiserver}/api/v1/namespaces/default/services`, exampleService(NAME));
  const deployment = exampleDeployment(NAME, options.pods);
  deployment.spec.template.spec.containers[0]!.ports = [{ containerPort: 8080 }];
  if (options.rollingUpdate)
    deployment.spec.strategy = { type: 'RollingUpdate', rollingUpdate: options.rollingUpdate };
  await create(`${apiserver}/apis/apps/v1/namespaces/default/deployments`, deployment);
  await converged(apiserver, options.pods, options.settleTimeoutMs);
}

/** Starts the rolling update: a new template, by an annotation on it. */
async function rollOut(apiserver: string, seed: number): Promise<void> {
  const response = await fetch(`${apiserver}/apis/apps/v1/namespaces/default/deployments/${NAME}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({
      spec: { template: { metadata: { annotations: { 'kata.dev/chaos-seed': String(seed) } } } },
    }),
  });
  if (!response.ok) throw new Error(`the rolling update was refused: ${await response.text()}`);
}

/** One component of each kind, in a seeded random order. */
function oneOfEachKind(listed: Listed[], random: () => number): string[] {
  const kinds = [...new Set(listed.map((component) => component.kind))];
  const chosen = kinds.map((kind) => {
    const ofKind = listed.filter((component) => component.kind === kind);
    return ofKind[Math.floor(random() * ofKind.length)]!.name;
  });
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
  }
  return chosen;
}

/**
 * Kills a seeded random component every one to four seconds (options.victims says which and
 * until when), leaves it down up to two seconds, and restarts it: the control endpoint answers
 * once it is up again.
 */
async function killAtRandom(options: ChaosOptions, startedAt: number): Promise<ChaosKill[]> {
  const random = seededRandom(options.seed);
  const listed = await components(options.controlUrl);
  const queue = options.victims === 'each kind once' ? oneOfEachKind(listed, random) : [];
  const next = () =>
    options.victims === 'each kind once'
      ? queue.shift()
      : performance.now() - startedAt < options.durationMs
        ? listed[Math.floor(random() * listed.length)]!.name
        : undefined;
  const kills: ChaosKill[] = [];
  const stamp = (seconds: number) => `t+${seconds.toFixed(1).padStart(6)} s`;
  for (let component = next(); component !== undefined; component = next()) {
    await pause(1000 + random() * 3000);
    const downMs = random() * 2000;
    const killedAt = since(startedAt);
    await control(options.controlUrl, 'kill', component);
    options.print(`  ${stamp(killedAt)}  kill -9 ${component}`);
    await pause(downMs);
    await control(options.controlUrl, 'restart', component);
    const restartedAt = since(startedAt);
    options.print(`  ${stamp(restartedAt)}  ${component} restarted and up`);
    kills.push({ component, killedAt, restartedAt });
  }
  return kills;
}

/** Polls the Deployment until it is first seen complete; resolves with when, in seconds. */
async function rolloutCompletion(
  options: ChaosOptions,
  startedAt: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  while (!signal.aborted) {
    if ((await deploymentIncomplete(options.apiserver, options.pods)) === undefined)
      return since(startedAt);
    await pause(500, signal);
  }
  return undefined;
}

/** The whole run: prepare, roll out under chaos, converge, and check. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { apiserver, controlUrl } = options;
  await prepare(options);
  const store = (await components(controlUrl)).find((component) => component.kind === 'store');
  if (!store) throw new Error('the cluster lists no store');
  const startedAt = performance.now();
  const background = new AbortController();
  const writer = new Writer(apiserver, `seed-${options.seed}-${Date.now()}`);
  const storeSampler = new RevisionSampler(storeRevision(new URL(store.health).origin), startedAt);
  const listSampler = new RevisionSampler(listRevision(apiserver), startedAt);
  const running: Promise<unknown>[] = [
    writer.write(background.signal),
    storeSampler.sample(background.signal),
    listSampler.sample(background.signal),
  ];
  try {
    await rollOut(apiserver, options.seed);
    // After the patch, the Deployment's generation is ahead of what its status observed: complete
    // from now on means the new template.
    const rollout = rolloutCompletion(options, startedAt, background.signal);
    running.push(rollout);
    const kills = await killAtRandom(options, startedAt);
    const calm = performance.now();
    await converged(apiserver, options.pods, options.settleTimeoutMs);
    const convergedAfter = Math.round((performance.now() - calm) / 100) / 10;
    const convergedAt = since(startedAt);
    background.abort();
    await Promise.all(running);
    const lost = await lostWrites(apiserver, writer.run, writer.acknowledged);
    const notRunning = (await components(controlUrl))
      .filter((component) => component.state !== 'running')
      .map((component) => `${component.name} (${component.state})`);
    return {
      kills,
      rolloutCompleteAt: ((await rollout) as number | undefined) ?? convergedAt,
      notRunning,
      convergedAfter,
      acknowledged: writer.acknowledged.length,
      failedWrites: writer.failed,
      lost,
      storeRevisions: storeSampler.series,
      listRevisions: listSampler.series,
    };
  } finally {
    background.abort();
    await Promise.all(running);
  }
}

/** The run's findings, a line each, with figures. */
export function chaosSummary(report: ChaosReport): string[] {
  const thousands = (value: number) => value.toLocaleString('en-US');
  const revisions = (what: string, series: RevisionSeries) =>
    `${what} ${thousands(series.first ?? 0)}→${thousands(series.last ?? 0)} over ` +
    `${thousands(series.samples)} samples, ` +
    (series.backwards.length === 0
      ? 'never backwards'
      : `backwards ${series.backwards.length} times (first at t+${series.backwards[0]!.at} s: ` +
        `${series.backwards[0]!.from}→${series.backwards[0]!.to})`);
  const down = report.notRunning.length;
  const lastKill = report.kills.at(-1)?.killedAt ?? 0;
  const rollout =
    `the rolling update completed at t+${report.rolloutCompleteAt} s` +
    (report.rolloutCompleteAt > lastKill ? ', after the last kill' : ', during the chaos');
  return [
    `  ${rollout}`,
    `  ${report.kills.length} components killed and restarted, ` +
      (down === 0
        ? 'every one running again'
        : `${down} not running: ${report.notRunning.join(', ')}`),
    `  converged in ` +
      `${report.convergedAfter} s after the last restart: the Deployment complete, every ` +
      `Service's Endpoints exactly its Ready pods`,
    `  ${thousands(report.acknowledged)} acknowledged writes, ${report.lost.length} lost` +
      (report.lost.length > 0 ? ` (${report.lost.slice(0, 5).join(', ')}…)` : '') +
      `; ${thousands(report.failedWrites)} writes refused or unanswered while a component was down`,
    `  ${revisions('store revision', report.storeRevisions)}`,
    `  ${revisions('list resourceVersion', report.listRevisions)}`,
  ];
}

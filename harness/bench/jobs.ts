// Benchmark of chapter 13a's Job controller (the reference), run with `npx kata bench jobs`: a
// Job of 200 completions with parallelism 20, against the reference API server in this process,
// with a stand-in kubelet that ends every pod Succeeded as soon as it sees it. It prints the wall
// time to Complete as a ratio to a baseline measured in the same run: the same 200 pods created
// directly, 20 in flight at a time (a new one as soon as one succeeds), the fastest the same work
// can go through the same API server. The target is the ratio itself, printed, not a
// timed test.
import type { Job, Pod } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import { loadReference } from '../components/implementation.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { rfc3339 } from '../clock.ts';
import { startApiServer } from '../testing/apiserver.ts';

const { createJobController } = await loadReference('13a', 'job.ts');

const COMPLETIONS = 200;
const PARALLELISM = 20;

const template = {
  spec: { restartPolicy: 'Never' as const, containers: [{ name: 'main', image: 'kata/job' }] },
};

/** Ends every new pod Succeeded, as a kubelet would once its program exited 0. */
function runSucceeder(client: ApiClient, signal: AbortSignal): void {
  const pods = toolkit.createInformer(client.resource<Pod>('pods'));
  const controller = toolkit.createController({
    name: 'bench-kubelet',
    workers: 8,
    reconcile: async (key) => {
      const pod = pods.get(key);
      if (!pod || pod.status?.phase !== 'Pending') return;
      const finishedAt = rfc3339(Date.now());
      await client
        .resource<Pod>('pods', pod.metadata.namespace)
        .updateStatus({
          ...pod,
          status: {
            phase: 'Succeeded',
            containerStatuses: [
              {
                name: 'main',
                image: 'kata/job',
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 0, finishedAt } },
              },
            ],
          },
        })
        .catch(() => {});
    },
  });
  controller.watch(pods);
  void controller.run(signal);
}

/** A server and the succeeder; `close` stops both. */
async function cluster() {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const stop = new AbortController();
  runSucceeder(client, stop.signal);
  const close = async () => {
    stop.abort();
    await server.close();
  };
  return { client, stop, close };
}

/** Seconds for COMPLETIONS pods made by hand, PARALLELISM in flight, to succeed. */
async function baseline(): Promise<number> {
  const { client, stop, close } = await cluster();
  const pods = client.resource<Pod>('pods', 'default');
  const informer = toolkit.createInformer(client.resource<Pod>('pods', 'default'));
  let created = 0;
  let succeeded = 0;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const create = () => {
      created++;
      void pods.create({ metadata: { generateName: 'direct-' }, spec: template.spec });
    };
    informer.addEventHandlers({
      update: (_, pod) => {
        if (pod.status?.phase !== 'Succeeded') return;
        succeeded++;
        if (succeeded === COMPLETIONS) resolve();
        else if (created < COMPLETIONS) create();
      },
    });
    informer.run(stop.signal);
    void informer.waitForSync().then(() => {
      for (let n = 0; n < PARALLELISM; n++) create();
    });
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await close();
  return seconds;
}

/** Seconds for a Job of COMPLETIONS, PARALLELISM at a time, to say Complete. */
async function withController(): Promise<number> {
  const { client, stop, close } = await cluster();
  void createJobController({ toolkit, client }).run(stop.signal);
  const jobs = client.resource<Job>('jobs', 'default');
  const informer = toolkit.createInformer(client.resource<Job>('jobs', 'default'));
  const complete = new Promise<void>((resolve) => {
    informer.addEventHandlers({
      update: (_, job) => {
        if (job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) {
          resolve();
        }
      },
    });
  });
  informer.run(stop.signal);
  await informer.waitForSync();
  const started = performance.now();
  await jobs.create({
    metadata: { name: 'bench' },
    spec: { completions: COMPLETIONS, parallelism: PARALLELISM, template },
  });
  await complete;
  const seconds = (performance.now() - started) / 1000;
  await close();
  return seconds;
}

const direct = await baseline();
const job = await withController();
console.log(
  `  a Job of ${COMPLETIONS} completions, ${PARALLELISM} at a time: ${job.toFixed(2)} s; the same ` +
    `pods made directly: ${direct.toFixed(2)} s: ${(direct / job).toFixed(2)}x the speed`,
);
process.exit(0);

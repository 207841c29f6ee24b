// The direct creator of the DaemonSet benchmark (../daemonset.ts): the pods a DaemonSet makes on
// COUNT hollow nodes (hollow-0, hollow-1, ...), created by a client in a process of its own, as the
// controller it is compared with runs in a process of its own.
//
//   node --import tsx harness/bench/programs/pinned-pods.ts SERVER COUNT slow-start|32
//
// slow-start sends them in kube's slow-start batches (1, 2, 4, ...: each batch in parallel, the
// next once it is answered), 32 by 32 concurrent senders. Prints "ready", waits for a line on
// stdin, creates the pods, prints "created" and exits.
import readline from 'node:readline';
import { exampleDaemonSet } from '../../api/examples.ts';
import type { Pod } from '../../api/types.ts';
import { toolkit } from '../../components/reference-toolkit.ts';

/** The tolerations every daemon pod carries (chapter 13b's daemonTolerations), for equal pods. */
const daemonTolerations = [
  ['not-ready', 'NoExecute'],
  ['unreachable', 'NoExecute'],
  ['disk-pressure', 'NoSchedule'],
  ['memory-pressure', 'NoSchedule'],
  ['pid-pressure', 'NoSchedule'],
  ['unschedulable', 'NoSchedule'],
].map(([key, effect]) => ({
  key: `node.kubernetes.io/${key}`,
  operator: 'Exists' as const,
  effect: effect as 'NoExecute' | 'NoSchedule',
}));

/** The pod the DaemonSet makes for `node`: pinned to it, with the daemon tolerations. */
export function pinnedPod(node: string): Pod {
  const template = exampleDaemonSet('hollow').spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name: `hollow-${node}` },
    spec: {
      ...template.spec,
      tolerations: daemonTolerations,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] },
            ],
          },
        },
      },
    },
  };
}

const [server = 'http://127.0.0.1:6443', count = '100', mode = 'slow-start'] =
  process.argv.slice(2);
const nodeNames = Array.from({ length: Number(count) }, (_, n) => `hollow-${n}`);
const pods = toolkit.createClient({ server }).resource<Pod>('pods', 'default');

/** The pods in slow-start batches: 1, 2, 4, ... */
async function slowStart(): Promise<void> {
  for (let start = 0, size = 1; start < nodeNames.length; start += size, size *= 2) {
    const batch = nodeNames.slice(start, start + size);
    await Promise.all(batch.map((node) => pods.create(pinnedPod(node))));
  }
}

/** The pods by 32 concurrent senders. */
async function thirtyTwoAtOnce(): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < nodeNames.length) await pods.create(pinnedPod(nodeNames[next++]!));
    }),
  );
}

const lines = readline.createInterface({ input: process.stdin });
console.log('ready');
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
await (mode === '32' ? thirtyTwoAtOnce() : slowStart());
console.log('created');

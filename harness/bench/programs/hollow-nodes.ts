// Hollow nodes for the cluster benchmark: many kubelets in one process, each the reference kubelet
// (chapter 06) on the fake runtime, so a hundred nodes cost a hundred watches and heartbeats, not
// a hundred sets of processes (Kubernetes' kubemark does the same with its hollow nodes).
//
//   node --import tsx harness/bench/programs/hollow-nodes.ts MASTER COUNT INDEX_BASE
//
// MASTER is the API server's URL, or a kubeconfig file for a cluster over TLS: its credentials (the
// admin's, in the benchmarks) serve every hollow kubelet. A node identity each, as kubemark gives
// its hollow nodes, would add the Node authorizer's cost, which these benchmarks leave out.
// Prints "ready" once every kubelet has started, then runs until SIGTERM.
import { setMaxListeners } from 'node:events';
import { nodeIp, podCidrForNode } from '../../network.ts';
import { FakeRuntime } from '../../runtime/fake-runtime.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { loadReference } from '../../components/implementation.ts';
import { readKubeconfig } from '../../client/kubeconfig.ts';

const { createKubelet } = await loadReference('06', 'kubelet.ts');

const [master = 'http://127.0.0.1:6443', count = '100', base = '0'] = process.argv.slice(2);
const server = /^https?:\/\//.test(master) ? master : readKubeconfig(master).server;
const stop = new AbortController();
setMaxListeners(0, stop.signal);
const running: Promise<void>[] = [];
for (let n = 0; n < Number(count); n++) {
  const index = Number(base) + n;
  const name = `hollow-${n + 1}`;
  const client = toolkit.createClient({ server, userAgent: `kata-kubelet/${name}` });
  running.push(
    createKubelet({
      nodeName: name,
      nodeIp: nodeIp(index),
      podCidr: podCidrForNode(index),
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      toolkit,
      client,
      runtime: new FakeRuntime({ podCidr: podCidrForNode(index) }),
    }).run(stop.signal),
  );
}
console.log('ready');
process.once('SIGTERM', async () => {
  stop.abort();
  await Promise.allSettled(running);
  process.exit(0);
});

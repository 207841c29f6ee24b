// kata/kata: the `kata` command itself as an image, so that a container can run a component as
// `kata run <component> [flags]`, as `kata up` does. `kata up --kubeadm` runs its control plane so:
// each static pod's container (harness/cluster/kubeadm.ts) has command [kata, run, apiserver] and
// the API server's flags as its args. A leading "kata" is the command's own name and is dropped.
import { fileURLToPath } from 'node:url';

const bin = new URL('../../bin/kata.mjs', import.meta.url);
const argv = process.argv.slice(2);
if (argv[0] === 'kata') argv.shift();
process.argv = [process.argv[0], fileURLToPath(bin), ...argv];
await import(bin.href);

// The verbs that run programs and work on a cluster, each loading its module when it runs.
import type { Command } from '../args.ts';
import { colourWanted, UsageError } from '../output.ts';

const objects = () => import('./object-verbs.ts');
const clusterVerbs = () => import('./cluster-verbs.ts');
const components = () => import('./components.ts');
const traces = () => import('./trace-verbs.ts');

export const clusterCommands: Record<string, Command> = {
  run: async ({ name, rest }) => (await import('./programs.ts')).runComponent(name!, rest),
  bench: async ({ name, rest }) => (await import('./programs.ts')).runBenchmarks(name, rest),
  up: async ({ flags }) => (await import('./up.ts')).up(flags, colourWanted()),
  components: async ({ flags }) => (await components()).listComponents(flags),
  kill: async ({ name, flags }) => (await components()).controlComponent('kill', name!, flags),
  restart: async ({ name, flags }) =>
    (await components()).controlComponent('restart', name!, flags),
  logs: async ({ name, flags }) => (await clusterVerbs()).logs(name!, flags),
  get: async ({ name, rest, flags }) => (await objects()).get([name, ...rest], flags),
  apply: async ({ flags }) => (await objects()).apply(flags),
  delete: async ({ name, rest, flags }) => (await objects()).remove([name, ...rest], flags),
  describe: async ({ name, rest, flags }) => (await objects()).describe([name, ...rest], flags),
  scale: async ({ name, rest, flags }) => (await objects()).scale([name, ...rest], flags),
  rollout: async ({ name, rest, flags }) => (await clusterVerbs()).rollout(name!, rest[0], flags),
  trace: async ({ name, rest, flags }) => (await traces()).traceObject([name, ...rest], flags),
  history: async ({ name, rest, flags }) =>
    (await traces()).historyOfObject([name, ...rest], flags),
  dashboard: async ({ flags }) => (await import('./dashboard-verb.ts')).dashboard(flags),
  kubeconfig: async ({ flags }) => (await clusterVerbs()).writeKubeconfig(flags),
  token: async ({ name, rest, flags }) => {
    if (name === 'create') return (await import('./join-verbs.ts')).createToken(flags);
    if (name === 'list') return (await import('./token-verbs.ts')).listTokens(flags);
    if (name === 'delete') return (await import('./token-verbs.ts')).deleteToken(rest[0], flags);
    throw new UsageError(`kata token takes create, list or delete, not "${name}"`);
  },
  join: async ({ name, flags }) => (await import('./join-verbs.ts')).join(name!, flags),
  upgrade: async ({ name, flags }) => (await import('./upgrade-verb.ts')).upgrade(name, flags),
};

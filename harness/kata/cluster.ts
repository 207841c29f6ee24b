// `kata up` (npm start): the finished chapters composed into one cluster of real processes. Each
// component is its own `kata run` program (harness/components/), started in order: the store, the
// API server, the controller-manager and the scheduler, then per node a kubelet and a kube-proxy.
// Every line a component prints comes out here with its name in front, and goes to its log file
// under the data directory. Ctrl-C (or SIGTERM, or a closed terminal's SIGHUP, while it starts
// too) stops everything, nodes first, store last, and then the pods' processes too: no process
// outlives the cluster. Each component would also wait for what it needs if started early (see
// harness/components/waiting.ts); starting them in order is only quicker.
//
// While it runs, a small control endpoint on loopback (its address in <data dir>/cluster.json)
// answers `kata components`, `kata kill` and `kata restart`, for failure drills.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Node } from '../api/types.ts';
import { kubeconfigFor } from '../client/kubeconfig.ts';
import { chapterSource, isLearnerSource, isUse, type Use } from '../components/implementation.ts';
import { nodeIp, podCidrForNode } from '../network.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { repoRoot } from '../paths.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { KataError, paint, UsageError } from './output.ts';

/** The kinds of component, and the chapters whose code each runs (04, the toolkit, in all). */
export const componentChapters = {
  store: ['01', '02'],
  apiserver: ['03a', '03b', '09'],
  'controller-manager': ['07', '08'],
  scheduler: ['05'],
  kubelet: ['06'],
  proxy: ['09'],
} as const;

export type ComponentKind = keyof typeof componentChapters;
const kinds = Object.keys(componentChapters) as ComponentKind[];

export interface ClusterOptions {
  nodes: number;
  dataDir: string;
  fresh: boolean;
  /** Whose code each kind of component runs. */
  use: Record<ComponentKind, Use>;
  /** An etcd (or kata store) to use instead of starting the store. */
  etcdServers?: string;
  storePort: number;
  apiserverPort: number;
  /** The kubelets' API port, on each node's own IP; 0 for any free one. */
  kubeletPort: number;
  /** Node i is the (base + i)th node of the address plan: two clusters on one machine differ. */
  nodeIndexBase: number;
  serviceClusterIpRange?: string;
  nodeMonitorGracePeriod?: string;
  /** Where component lines go (the terminal), besides their log files. */
  print?: (line: string) => void;
  /** Stops the cluster when it aborts, while it starts too. */
  signal?: AbortSignal;
  colour?: boolean;
}

/** One process of the cluster, as `kata components` lists it. */
interface Component {
  name: string;
  kind: ComponentKind;
  args: string[];
  child?: ChildProcess;
  state: 'starting' | 'running' | 'exited' | 'killed';
  restarts: number;
  /** Its last lines, for the one-line reason when it fails to start. */
  tail: string[];
  /** Where it can be reached, for the banner. */
  address?: string;
}

/** The same choice of code for every kind of component. */
export function useEverywhere(use: Use): Record<ComponentKind, Use> {
  return Object.fromEntries(kinds.map((kind) => [kind, use])) as Record<ComponentKind, Use>;
}

/** The line each kind of component prints once it is up. */
const readyLine: Record<ComponentKind, RegExp> = {
  store: /serving client requests on/,
  apiserver: /serving the Kubernetes API on/,
  'controller-manager': /running .* against/,
  scheduler: /scheduling pods of/,
  kubelet: /pods in .* state in/,
  proxy: /proxying Services for node/,
};

export const defaultDataDir = path.join(repoRoot, '.kata', 'cluster');

const colours = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];

/** Reads `kata up`'s flags. */
export function parseUpFlags(flags: Record<string, string | boolean | undefined>): ClusterOptions {
  const text = (name: string) =>
    typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
  const number = (name: string, fallback: number, least = 0) => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < least)
      throw new UsageError(
        `--${name} takes a whole number${least ? ` of at least ${least}` : ''}, not "${value}"`,
      );
    return Number(value);
  };
  const useOf = (flag: string, fallback: Use): Use => {
    const value = text(flag);
    if (value === undefined) return fallback;
    if (!isUse(value))
      throw new UsageError(`--${flag} takes auto, solutions or mine, not "${value}"`);
    return value;
  };
  const all = useOf('use', 'auto');
  const use = Object.fromEntries(kinds.map((kind) => [kind, useOf(`use-${kind}`, all)])) as Record<
    ComponentKind,
    Use
  >;
  const nodes = number('nodes', 3, 1);
  const nodeIndexBase = number('node-index-base', 0);
  if (nodeIndexBase + nodes > 255)
    throw new UsageError('--nodes and --node-index-base: the address plan has room for 255 nodes');
  return {
    nodes,
    dataDir: path.resolve(text('data-dir') ?? defaultDataDir),
    fresh: flags.fresh === true,
    use,
    etcdServers: text('etcd-servers'),
    storePort: number('store-port', 2379),
    apiserverPort: number('apiserver-port', 6443),
    kubeletPort: number('kubelet-port', 10250),
    nodeIndexBase,
    serviceClusterIpRange: text('service-cluster-ip-range'),
    nodeMonitorGracePeriod: text('node-monitor-grace-period'),
  };
}

/** Whether nothing listens on host:port; port 0 is always free. */
function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A running cluster: its API server's URL, and stop(). */
export interface RunningCluster {
  apiserver: string;
  controlUrl: string;
  stop(): Promise<void>;
  /** Resolves when the cluster has stopped (by stop(), a signal, or a failure). */
  stopped: Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const colour = paint(options.colour ?? false);
  const print = options.print ?? ((line: string) => console.log(line));
  const logDir = path.join(options.dataDir, 'logs');
  if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const stateFile = path.join(options.dataDir, 'cluster.json');
  if (existsSync(stateFile)) {
    const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number };
    if (pid !== process.pid && processAlive(pid))
      throw new KataError(
        `a cluster already runs from ${path.relative(process.cwd(), options.dataDir) || '.'} (process ${pid}); stop it with Ctrl-C where it runs, or start another with --data-dir`,
      );
  }

  // Ports first: a busy one is a clear line now, not a component's crash later.
  const busy: string[] = [];
  if (!options.etcdServers && !(await portFree('127.0.0.1', options.storePort)))
    busy.push(`127.0.0.1:${options.storePort} (the store; choose another with --store-port)`);
  if (!(await portFree('127.0.0.1', options.apiserverPort)))
    busy.push(
      `127.0.0.1:${options.apiserverPort} (the API server; choose another with --apiserver-port)`,
    );
  if (busy.length > 0)
    throw new KataError(
      `port ${busy.join(' and ')} is already in use: is another cluster running?`,
    );

  let storeUrl = options.etcdServers ?? `http://127.0.0.1:${options.storePort}`;
  const components: Component[] = [];
  const add = (name: string, kind: ComponentKind, args: string[], address?: string) => {
    const component: Component = {
      name,
      kind,
      args,
      state: 'starting',
      restarts: 0,
      tail: [],
      address,
    };
    components.push(component);
    return component;
  };
  const width = () => Math.max(...components.map((component) => component.name.length));
  let stopping = false;
  let onUnexpectedExit: (component: Component, code: number | null) => void = () => {};

  function launch(component: Component): void {
    const file = path.join(repoRoot, 'harness', 'components', `${component.kind}.ts`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', file, ...component.args, '--use', options.use[component.kind]],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    component.child = child;
    component.state = 'starting';
    component.tail = [];
    const log = createWriteStream(path.join(logDir, `${component.name}.log`), { flags: 'a' });
    const tint = colours[components.indexOf(component) % colours.length]!;
    const prefix = () =>
      options.colour
        ? `\u001b[${tint}m${component.name.padEnd(width())}\u001b[39m │ `
        : `${component.name.padEnd(width())} │ `;
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          log.write(`${line}\n`);
          component.tail = [...component.tail.slice(-19), line];
          print(prefix() + line);
        }
      });
    }
    child.once('exit', (code, signal) => {
      log.end();
      if (component.state !== 'killed') component.state = 'exited';
      if (!stopping && component.state === 'exited') {
        print(prefix() + colour.red(`exited (${signal ?? `code ${code}`})`));
        onUnexpectedExit(component, code);
      }
    });
  }

  /** Resolves when a line matching `ready` appears; rejects if the process exits first. */
  function started(component: Component, ready: RegExp, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = component.child!;
      const timer = setTimeout(
        () => reject(startFailure(component, `no sign of life within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const check = (chunk: Buffer) => {
        if (ready.test(component.tail.join('\n')) || ready.test(chunk.toString())) done();
      };
      const exited = () => {
        clearTimeout(timer);
        reject(startFailure(component, 'exited while starting'));
      };
      const done = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', exited);
        component.state = 'running';
        resolve();
      };
      child.stdout!.on('data', check);
      child.once('exit', exited);
    });
  }

  /** The one line that says why a component did not start, and what to do about it. */
  function startFailure(component: Component, what: string): KataError {
    const reason =
      [...component.tail]
        .reverse()
        .find((line) => /error|cannot|not implemented|failed/i.test(line)) ??
      component.tail.at(-1) ??
      'no output';
    const chapters = componentChapters[component.kind];
    const yours = chapters.filter((id) => isYours(id, options.use[component.kind]));
    // A package that cannot be found is a missing install, whoever's code it is.
    const fix = /Cannot find package/.test(reason)
      ? '; the dependencies are not installed: run npm install'
      : yours.length > 0
        ? `; it runs your chapter ${yours.join(' and ')}: fix it (npx kata test ${yours[0]}) or run the reference with --use-${component.kind} solutions`
        : '';
    const log = path.relative(process.cwd(), path.join(logDir, `${component.name}.log`));
    return new KataError(`${component.name} ${what}: ${reason.trim()}${fix} (log: ${log})`);
  }

  // The control plane.
  if (!options.etcdServers) {
    add(
      'store',
      'store',
      [
        '--data-dir',
        path.join(options.dataDir, 'store'),
        '--listen-client-urls',
        storeUrl,
        '--advertise-client-urls',
        storeUrl,
      ],
      storeUrl,
    );
  }
  let apiserverUrl = `http://127.0.0.1:${options.apiserverPort}`;
  const apiserver = add(
    'apiserver',
    'apiserver',
    [
      '--etcd-servers',
      storeUrl,
      '--secure-port',
      String(options.apiserverPort),
      ...(options.serviceClusterIpRange
        ? ['--service-cluster-ip-range', options.serviceClusterIpRange]
        : []),
    ],
    apiserverUrl,
  );
  const kubeconfig = path.join(options.dataDir, 'kubeconfig');
  const master = ['--kubeconfig', kubeconfig];
  add('controller-manager', 'controller-manager', [
    ...master,
    ...(options.nodeMonitorGracePeriod
      ? ['--node-monitor-grace-period', options.nodeMonitorGracePeriod]
      : []),
  ]);
  add('scheduler', 'scheduler', master);
  const nodeNames: string[] = [];
  for (let n = 0; n < options.nodes; n++) {
    const index = options.nodeIndexBase + n;
    const name = `node-${n + 1}`;
    nodeNames.push(name);
    const ip = nodeIp(index);
    add(
      `kubelet-${name}`,
      'kubelet',
      [
        ...master,
        '--node-name',
        name,
        '--node-ip',
        ip,
        '--pod-cidr',
        podCidrForNode(index),
        '--root-dir',
        path.join(options.dataDir, 'nodes', name),
        '--port',
        String(options.kubeletPort),
      ],
      `${ip}:${options.kubeletPort || 'any port'}`,
    );
    add(`proxy-${name}`, 'proxy', [...master, '--node-name', name, '--node-ip', ip], ip);
  }

  const startedAt = Date.now();
  let control: http.Server | undefined;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  async function stop(): Promise<void> {
    if (stopping) return stopped;
    stopping = true;
    // Nodes first, the store last: each stops while what it talks to is still there.
    for (const kind of [
      'proxy',
      'kubelet',
      'scheduler',
      'controller-manager',
      'apiserver',
      'store',
    ] as const) {
      await Promise.all(components.filter((component) => component.kind === kind).map(terminate));
    }
    // The kubelets leave their pods running (so a restarted kubelet adopts them); the cluster
    // stopping stops them too.
    for (const [n, name] of nodeNames.entries()) {
      const stateDir = path.join(options.dataDir, 'nodes', name, 'runtime');
      if (existsSync(stateDir))
        await new ProcessRuntime({ stateDir, podCidr: podCidrForNode(options.nodeIndexBase + n) })
          .close({ stopAll: true })
          .catch(() => {});
    }
    control?.close();
    rmSync(stateFile, { force: true });
    resolveStopped();
  }

  if (options.signal?.aborted) await stop();
  options.signal?.addEventListener('abort', () => void stop(), { once: true });

  onUnexpectedExit = (component) => {
    if (component.kind === 'store' || component.kind === 'apiserver') {
      print(
        colour.red(
          `kata up: the ${component.kind} stopped; stopping the cluster (log: ${path.relative(process.cwd(), path.join(logDir, `${component.name}.log`))})`,
        ),
      );
      void stop();
    }
  };

  /** The URL a server says it serves on: the real port, when it was asked for port 0. */
  const servedUrl = (component: Component, after: string) => {
    const line = component.tail.find((candidate) => candidate.includes(after));
    return /(http:\/\/[\d.]+:\d+)/.exec(line ?? '')?.[1];
  };

  /** Starts a component's process; resolves once it says it is up. */
  const begin = (component: Component) => {
    // Nothing starts once the cluster stops: stop() may have passed this kind already.
    if (stopping) return Promise.reject(new KataError('the cluster is stopping'));
    launch(component);
    return started(component, readyLine[component.kind]);
  };

  try {
    // The store, then the API server, then everything else at once.
    const first = components.filter(
      (component) => component.kind === 'store' || component === apiserver,
    );
    for (const component of first) {
      await begin(component);
      if (component.kind === 'store') {
        storeUrl = servedUrl(component, 'serving client requests on') ?? storeUrl;
        component.address = storeUrl;
        apiserver.args[apiserver.args.indexOf('--etcd-servers') + 1] = storeUrl;
      } else {
        apiserverUrl = servedUrl(component, 'serving the Kubernetes API on') ?? apiserverUrl;
        component.address = apiserverUrl;
        writeFileSync(kubeconfig, kubeconfigFor(apiserverUrl));
      }
    }
    await Promise.all(components.filter((component) => !first.includes(component)).map(begin));
    await nodesReady(apiserverUrl, nodeNames, components);
  } catch (error) {
    await stop();
    throw error;
  }

  control = await serveControl(options, components, begin, terminate);
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  writeFileSync(
    stateFile,
    JSON.stringify(
      { pid: process.pid, control: controlUrl, apiserver: apiserverUrl, kubeconfig },
      null,
      2,
    ),
  );
  if (path.resolve(options.dataDir) === defaultDataDir) {
    writeFileSync(path.join(repoRoot, '.kata', 'kubeconfig'), kubeconfigFor(apiserverUrl));
  }

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const kubeconfigShown = path.relative(
    process.cwd(),
    path.resolve(options.dataDir) === defaultDataDir
      ? path.join(repoRoot, '.kata', 'kubeconfig')
      : kubeconfig,
  );
  print('');
  print(
    colour.green(
      colour.bold(
        `kata cluster is up: ${options.nodes} ${options.nodes === 1 ? 'node' : 'nodes'} Ready after ${seconds} s`,
      ),
    ),
  );
  print('');
  const rows = components.map((component) => [
    component.name,
    component.address ?? '',
    componentChapters[component.kind]
      .map(
        (id) =>
          `${id} ${isYours(id, options.use[component.kind]) ? colour.yellow('yours') : 'reference'}`,
      )
      .join(', '),
  ]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length), 9));
  print(`  ${'COMPONENT'.padEnd(widths[0]!)}  ${'ADDRESS'.padEnd(widths[1]!)}  CHAPTERS`);
  for (const row of rows)
    print(`  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`);
  print('');
  print(`  kubectl --kubeconfig ${kubeconfigShown} get nodes`);
  print('  npx kata apply -f harness/examples/hello.yaml      (then: npx kata get pods -o wide)');
  print('  npx kata components | kill <component> | restart <component>');
  print(`  logs in ${path.relative(process.cwd(), logDir)}/; Ctrl-C stops the cluster`);
  print('');
  return { apiserver: apiserverUrl, controlUrl, stop, stopped };

  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  function terminate(component: Component): Promise<void> {
    const child = component.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

/** Resolves once every node is Ready, watching them; rejects if a kubelet dies meanwhile. */
async function nodesReady(server: string, names: string[], components: Component[]): Promise<void> {
  const client = toolkit.createClient({ server, userAgent: 'kata-up' });
  const informer = toolkit.createInformer(client.resource<Node>('nodes'));
  const stop = new AbortController();
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const ready = informer
          .list()
          .filter((node) =>
            node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          )
          .map((node) => node.metadata.name);
        if (names.every((name) => ready.includes(name))) resolve();
      };
      informer.addEventHandlers({ add: check, update: check });
      const timer = setTimeout(
        () =>
          reject(new KataError(`the nodes were not all Ready within 90 s; see the kubelets' logs`)),
        90_000,
      );
      const dead = components.find(
        (component) => component.kind === 'kubelet' && component.state === 'exited',
      );
      if (dead) reject(new KataError(`${dead.name} exited: ${dead.tail.at(-1) ?? 'no output'}`));
      for (const component of components.filter((candidate) => candidate.kind === 'kubelet'))
        component.child?.once('exit', () =>
          reject(
            new KataError(
              `${component.name} exited while its node registered: ${component.tail.at(-1) ?? 'no output'}`,
            ),
          ),
        );
      stop.signal.addEventListener('abort', () => clearTimeout(timer));
      informer.run(stop.signal);
      informer.waitForSync(stop.signal).then(check, () => {});
    });
  } finally {
    stop.abort();
  }
}

/** The control endpoint: GET /components, POST /kill/<name>, POST /restart/<name>. */
function serveControl(
  options: ClusterOptions,
  components: Component[],
  begin: (component: Component) => Promise<void>,
  terminate: (component: Component) => Promise<void>,
): Promise<http.Server> {
  const server = http.createServer(async (request, response) => {
    const reply = (code: number, body: unknown) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const [, verb, name] = (request.url ?? '').split('/');
    if (request.method === 'GET' && verb === 'components') {
      return reply(
        200,
        components.map((component) => ({
          name: component.name,
          kind: component.kind,
          pid:
            component.state === 'running' || component.state === 'starting'
              ? component.child?.pid
              : undefined,
          state: component.state,
          restarts: component.restarts,
          chapters: componentChapters[component.kind].map(
            (id) => `${id} ${isYours(id, options.use[component.kind]) ? 'yours' : 'reference'}`,
          ),
        })),
      );
    }
    const component = components.find((candidate) => candidate.name === name);
    if (request.method !== 'POST' || !['kill', 'restart'].includes(verb ?? ''))
      return reply(404, { message: `no such request: ${request.method} ${request.url}` });
    if (!component)
      return reply(404, {
        message: `no component "${name}"; choose one of ${components.map((c) => c.name).join(', ')}`,
      });
    if (verb === 'kill') {
      component.state = 'killed';
      component.child?.kill('SIGKILL');
      return reply(200, { message: `${component.name} killed` });
    }
    component.state = 'killed';
    await terminate(component);
    component.restarts++;
    try {
      await begin(component);
    } catch (error) {
      return reply(500, { message: (error as Error).message });
    }
    return reply(200, { message: `${component.name} restarted` });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Whether a chapter's code comes from the learner's folder under `use`. */
function isYours(chapterId: string, use: Use): boolean {
  return isLearnerSource(chapterSource(chapterId, use));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `kata up`: starts the cluster and serves until Ctrl-C. */
export async function up(
  flags: Record<string, string | boolean | undefined>,
  colour: boolean,
): Promise<number> {
  const options = parseUpFlags(flags);
  // Ctrl-C, SIGTERM or a closed terminal (SIGHUP) stop the cluster, while it starts too: the pods'
  // processes run detached, and would stay.
  const stopping = new AbortController();
  const onSignal = () => {
    console.log('\nkata up: stopping the cluster');
    stopping.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
  try {
    const cluster = await startCluster({ ...options, colour, signal: stopping.signal });
    await cluster.stopped;
  } catch (error) {
    if (!stopping.signal.aborted) throw error;
  }
  return 0;
}

/** The control endpoint of the cluster running from a data directory, or a one-line error. */
function controlOf(flags: Record<string, string | boolean | undefined>): string {
  const dataDir = path.resolve(
    typeof flags['data-dir'] === 'string' ? flags['data-dir'] : defaultDataDir,
  );
  const stateFile = path.join(dataDir, 'cluster.json');
  if (!existsSync(stateFile))
    throw new KataError(
      `no cluster runs from ${path.relative(process.cwd(), dataDir) || '.'}; start one with \`npm start\``,
    );
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number; control: string };
  if (!processAlive(state.pid))
    throw new KataError(
      `the cluster of ${path.relative(process.cwd(), dataDir)} is not running (process ${state.pid} is gone); start it with \`npm start\``,
    );
  return state.control;
}

async function ask(url: string, method: 'GET' | 'POST'): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (error) {
    throw new KataError(
      `cannot reach the cluster's control endpoint ${url}: ${(error as Error).message}`,
    );
  }
  const body = (await response.json()) as { message?: string };
  if (!response.ok) throw new KataError(body.message ?? `HTTP ${response.status}`);
  return body;
}

/** `kata components`: each process of the running cluster. */
export async function listComponents(
  flags: Record<string, string | boolean | undefined>,
): Promise<number> {
  const rows = (await ask(`${controlOf(flags)}/components`, 'GET')) as {
    name: string;
    pid?: number;
    state: string;
    restarts: number;
    chapters: string[];
  }[];
  const table = [
    ['COMPONENT', 'STATE', 'PID', 'RESTARTS', 'CHAPTERS'],
    ...rows.map((row) => [
      row.name,
      row.state,
      String(row.pid ?? '-'),
      String(row.restarts),
      row.chapters.join(', '),
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('   ')
        .trimEnd(),
    );
  return 0;
}

/** `kata kill NAME` and `kata restart NAME`. */
export async function controlComponent(
  verb: 'kill' | 'restart',
  name: string,
  flags: Record<string, string | boolean | undefined>,
  print: (line: string) => void = console.log,
): Promise<number> {
  const { message } = (await ask(
    `${controlOf(flags)}/${verb}/${encodeURIComponent(name)}`,
    'POST',
  )) as {
    message: string;
  };
  print(message);
  return 0;
}

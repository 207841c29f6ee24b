// The control endpoint of a running cluster, on loopback: what `kata components`, `kata kill` and
// `kata restart` ask, for failure drills. With --kubeadm the components that run as pods (the
// control plane's static pods, kube-proxy's and the DNS's add-on pods) answer too, through
// ./pod-components.ts.
//
//   GET  /components       each process: name, kind, pid, state, restarts, whose chapters, and
//                          the health endpoint it is waited for at
//   POST /kill/<name>      SIGKILL; it stays down
//   POST /restart/<name>   SIGTERM, then started again and waited for as at start; with
//                          ?use=mine|solutions|auto, started with that code from then on (the
//                          way `kata upgrade kubelet` replaces a node's kubelet)
import http from 'node:http';
import { isUse, type Use } from '../components/implementation.ts';
import { chaptersRun } from './options.ts';
import type { PodComponents } from './pod-components.ts';
import type { Component, Supervisor } from './supervision.ts';

/** What the control endpoint needs of the cluster. */
export interface Controlled {
  supervisor: Supervisor;
  /** The components that run as pods (--kubeadm); none otherwise. */
  pods?: PodComponents;
  /** Starts a component's process again and resolves once it is up. */
  begin(component: Component): Promise<void>;
}

/** A component as GET /components lists it. */
function listed(component: Component, use: Use) {
  const alive = component.state === 'running' || component.state === 'starting';
  return {
    name: component.name,
    kind: component.kind,
    pid: alive ? component.child?.pid : undefined,
    state: component.state,
    restarts: component.restarts,
    health: component.health,
    use,
    startedAt: component.startedAt,
    chapters: chaptersRun(component.kind, use).map(
      (chapter) => `${chapter.id} ${chapter.yours ? 'yours' : 'reference'}`,
    ),
  };
}

/** Answers one request: a status code and a JSON body. */
async function answer(
  cluster: Controlled,
  method: string | undefined,
  url: string,
): Promise<[number, unknown]> {
  const { supervisor } = cluster;
  const { components } = supervisor;
  const { pathname, searchParams } = new URL(url, 'http://control');
  const [, verb, name] = pathname.split('/').map(decodeURIComponent);
  if (method === 'GET' && verb === 'components') {
    const processes = components.map((component) => listed(component, supervisor.useOf(component)));
    return [200, [...processes, ...((await cluster.pods?.list()) ?? [])]];
  }
  if (method !== 'POST' || !['kill', 'restart'].includes(verb ?? ''))
    return [404, { message: `no such request: ${method} ${url}` }];
  const component = components.find((candidate) => candidate.name === name);
  if (!component && cluster.pods?.names.includes(name!))
    return answerPod(cluster.pods, verb as 'kill' | 'restart', name!, searchParams.has('use'));
  if (!component) {
    const names = [
      ...components.map((candidate) => candidate.name),
      ...(cluster.pods?.names ?? []),
    ];
    return [404, { message: `no component "${name}"; choose one of ${names.join(', ')}` }];
  }
  if (verb === 'kill') {
    cluster.supervisor.kill(component);
    return [200, { message: `${component.name} killed` }];
  }
  const use = searchParams.get('use');
  if (use !== null && !isUse(use))
    return [400, { message: `use must be mine, solutions or auto, not "${use}"` }];
  component.state = 'killed';
  await cluster.supervisor.terminate(component);
  if (use) component.use = use;
  component.restarts++;
  try {
    await cluster.begin(component);
  } catch (error) {
    return [500, { message: (error as Error).message }];
  }
  const how = use ? ` with --use ${use}` : '';
  return [200, { message: `${component.name} restarted${how}` }];
}

/** Kill or restart for a component that runs as a pod. */
async function answerPod(
  pods: PodComponents,
  verb: 'kill' | 'restart',
  name: string,
  withUse: boolean,
): Promise<[number, unknown]> {
  if (withUse)
    return [
      400,
      { message: `${name} runs as a pod: kata upgrade rewrites its manifest (kubeadm's way)` },
    ];
  try {
    return [200, { message: await (verb === 'kill' ? pods.kill(name) : pods.restart(name)) }];
  } catch (error) {
    return [500, { message: (error as Error).message }];
  }
}

/** Serves the control endpoint on a free loopback port; resolves once it listens. */
export function serveControl(cluster: Controlled): Promise<http.Server> {
  const server = http.createServer(async (request, response) => {
    const [code, body] = await answer(cluster, request.method, request.url ?? '');
    // One request per connection: a caller that waits a few seconds between requests (a drill,
    // the chaos run) would otherwise reuse a kept-alive socket just as the server's 5 s idle
    // timeout closes it, and its fetch would fail with "other side closed".
    response.writeHead(code, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// The dashboard without a browser: the view the page draws (nodes and tiles, the Deployment
// chains, the events), the numbers taken from /metrics, and the server's answers (the view, a
// batch of changes as one Server-Sent Event, an object's trace and history, bad keys refused).
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Deployment,
  Endpoints,
  KubeEvent,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../api/types.ts';
import { ClusterView, podTile, selects } from './cluster-view.ts';
import { startDashboard, type RunningDashboard } from './dashboard.ts';
import { kubeletStates, metricsLines, sumOf } from './dashboard-feed.ts';

const owner = (kind: string, name: string, uid: string) => [
  { apiVersion: 'apps/v1', kind, name, uid, controller: true },
];

function node(name: string, ready: 'True' | 'False'): Node {
  return { metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready }] } };
}

function pod(name: string, nodeName: string | undefined, phase = 'Running', ready = true): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'hello' },
      ownerReferences: owner('ReplicaSet', 'hello-1', 'rs-1'),
    },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: {
      phase: phase as 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

const deployment: Deployment = {
  metadata: { name: 'hello', namespace: 'default', uid: 'dep-1' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'hello' } },
    template: { spec: { containers: [] } },
  },
  status: { readyReplicas: 1 },
} as Deployment;
const replicaSet: ReplicaSet = {
  metadata: {
    name: 'hello-1',
    namespace: 'default',
    uid: 'rs-1',
    ownerReferences: owner('Deployment', 'hello', 'dep-1'),
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'hello' } },
    template: { spec: { containers: [] } },
  },
} as ReplicaSet;
const service: Service = {
  metadata: { name: 'hello', namespace: 'default' },
  spec: { selector: { app: 'hello' } },
};
const endpoints: Endpoints = {
  metadata: { name: 'hello', namespace: 'default' },
  subsets: [{ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.2' }] }],
};

function event(reason: string, at: string): KubeEvent {
  return {
    metadata: { name: `e-${reason}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'a' },
    reason,
    message: `${reason} happened`,
    type: 'Normal',
    lastTimestamp: at,
  };
}

/** A view of two nodes, one Deployment serving three pods (one unscheduled), and two events. */
function helloView(): ClusterView {
  const view = new ClusterView();
  view.apply('nodes', 'ADDED', node('node-2', 'False'));
  view.apply('nodes', 'ADDED', node('node-1', 'True'));
  view.apply('pods', 'ADDED', pod('b', 'node-1'));
  view.apply('pods', 'ADDED', pod('a', 'node-1', 'Pending', false));
  view.apply('pods', 'ADDED', pod('c', undefined, 'Pending', false));
  for (const [resource, object] of [
    ['deployments', deployment],
    ['replicasets', replicaSet],
    ['services', service],
    ['endpoints', endpoints],
  ] as const) {
    view.apply(resource, 'ADDED', object);
  }
  view.apply('events', 'ADDED', event('Scheduled', '2026-12-03T10:00:00Z'));
  view.apply('events', 'ADDED', event('Started', '2026-12-03T10:00:05Z'));
  return view;
}

describe('the view the dashboard draws', () => {
  it('puts each pod on its node as a tile, sorted, and the unplaced ones apart', () => {
    const { nodes, unscheduled } = helloView().view();
    expect(
      nodes.map((box) => [box.name, box.ready]),
      'the node boxes',
    ).toEqual([
      ['node-1', 'True'],
      ['node-2', 'False'],
    ]);
    expect(
      nodes[0]!.pods.map((tile) => [tile.name, tile.phase, tile.ready]),
      "node-1's tiles",
    ).toEqual([
      ['a', 'Pending', false],
      ['b', 'Running', true],
    ]);
    expect(
      unscheduled.map((tile) => tile.name),
      'the pods with no node',
    ).toEqual(['c']);
    expect(nodes[0]!.pods[0]!.key, "a tile's storage key").toBe('/registry/pods/default/a');
  });

  it('follows watch events: a modified pod moves, a deleted one goes, a deleting one is Terminating', () => {
    const view = helloView();
    view.apply('pods', 'MODIFIED', pod('c', 'node-2'));
    view.apply('pods', 'DELETED', pod('a', 'node-1'));
    const deleting = pod('b', 'node-1');
    deleting.metadata.deletionTimestamp = '2026-12-03T10:01:00Z';
    view.apply('pods', 'MODIFIED', deleting);
    const { nodes, unscheduled } = view.view();
    expect(
      nodes.map((box) => box.pods.map((tile) => `${tile.name} ${tile.phase}`)),
      'the tiles after the events',
    ).toEqual([['b Terminating'], ['c Running']]);
    expect(unscheduled, 'unscheduled pods after c was bound').toEqual([]);
    expect(podTile(pod('d', 'node-1', 'Failed', false)).phase, "a failed pod's tile").toBe(
      'Failed',
    );
  });

  it('chains a Deployment to its ReplicaSets, their pods and the Services selecting them', () => {
    const [chain] = helloView().view().chains;
    expect(chain, 'the hello chain').toEqual({
      namespace: 'default',
      deployment: 'hello',
      key: '/registry/deployments/default/hello',
      ready: '1/2',
      replicaSets: [
        { name: 'hello-1', replicas: 2, pods: 3, key: '/registry/replicasets/default/hello-1' },
      ],
      services: [{ name: 'hello', endpoints: 1, key: '/registry/services/default/hello' }],
    });
    expect(selects({}, { app: 'hello' }), 'an empty selector selects').toBe(false);
  });

  it('lists the newest events first, and shows a killed kubelet on its node', () => {
    const view = helloView();
    expect(
      view.view().events.map((line) => line.reason),
      'the events, newest first',
    ).toEqual(['Started', 'Scheduled']);
    view.setKubelets(
      kubeletStates([
        { name: 'kubelet-node-1', state: 'killed' },
        { name: 'scheduler', state: 'running' },
      ]),
    );
    expect(
      view.view().nodes.map((box) => box.kubelet),
      "the kubelets' states",
    ).toEqual(['killed', undefined]);
  });
});

const metricsText = `# HELP apiserver_request_total Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{verb="GET",resource="pods",code="200"} 7
apiserver_request_total{verb="WATCH",resource="pods",code="200"} 2
apiserver_request_total{verb="POST",resource="pods",code="500"} 1
apiserver_request_duration_seconds_sum{verb="GET"} 0.05
apiserver_request_duration_seconds_count{verb="GET"} 10
`;

describe("the numbers from the API server's /metrics", () => {
  it('sums a family, filters by labels and averages the request duration', () => {
    expect(sumOf(metricsText, 'apiserver_request_total'), 'all requests').toBe(10);
    expect(metricsLines(metricsText), 'the lines the page shows').toEqual([
      { name: 'API requests', value: 10 },
      { name: 'errors (5xx)', value: 1 },
      { name: 'mean request ms', value: 5 },
    ]);
  });
});

describe("the dashboard's server", () => {
  let running: RunningDashboard | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(view = helloView()) {
    running = await startDashboard(
      {
        view,
        trace: (key) => [
          {
            atMs: 0,
            durationMs: 1,
            component: 'admin',
            what: `create ${key}`,
            revision: 5,
            depth: 0,
          },
        ],
        history: async () => [
          { revision: 5, author: 'scheduler', changes: ['+ spec.nodeName: "node-1"'] },
        ],
      },
      { batchMs: 5 },
    );
    return running;
  }

  it('serves the page, the view, a trace and a history, and refuses a key outside /registry/', async () => {
    const { url } = await start();
    const page = await fetch(url);
    expect(await page.text(), 'GET /').toContain('<title>kata dashboard</title>');
    const view = (await (await fetch(`${url}/api/view`)).json()) as {
      nodes: unknown[];
      metrics: unknown[];
    };
    expect(view.nodes.length, 'nodes in GET /api/view').toBe(2);
    const key = encodeURIComponent('/registry/pods/default/a');
    const trace = (await (await fetch(`${url}/api/trace?key=${key}`)).json()) as {
      steps: unknown[];
    };
    expect(trace.steps.length, 'steps of GET /api/trace').toBe(1);
    const history = (await (await fetch(`${url}/api/history?key=${key}`)).json()) as {
      revisions: Array<{ author: string }>;
    };
    expect(history.revisions[0]!.author, 'the author in GET /api/history').toBe('scheduler');
    const bad = await fetch(`${url}/api/history?key=${encodeURIComponent('/../secrets')}`);
    expect(
      [bad.status, ((await bad.json()) as { error: string }).error],
      'a key outside /registry/',
    ).toEqual([400, expect.stringContaining('storage key')]);
    expect((await fetch(`${url}/nope`)).status, 'an unknown path').toBe(404);
  });

  it('sends the view at connect, then one event for a burst of changes', async () => {
    const view = helloView();
    const dashboard = await start(view);
    const stream = await fetch(`${dashboard.url}/api/events`);
    const reader = stream.body!.getReader();
    let text = '';
    const views = () => text.split('event: view').length - 1;
    const readUntil = async (count: number) => {
      while (views() < count) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(1);
    for (const name of ['x', 'y', 'z']) {
      view.apply('pods', 'ADDED', pod(name, 'node-2'));
      dashboard.changed();
    }
    await readUntil(2);
    await reader.cancel();
    expect(views(), 'views sent: one at connect, one for the three changes').toBe(2);
    expect(text, 'the second view holds the three new pods').toMatch(/"name":"z"/);
  });
});

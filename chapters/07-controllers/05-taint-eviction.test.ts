// The taint eviction controller: first its pure steps (which taints evict, which tolerations
// tolerate them, how long a pod may stay), then its one API call, then the loop against the
// reference API server. There the test plays the administrator: it taints node-1 NoExecute (as
// `kubectl taint node node-1 dedicated=db:NoExecute` would) and takes the taint off, and moves the
// controller's clock.
import { describe, expect, test } from 'vitest';
import { exampleNode, examplePod } from '../../harness/api/examples.ts';
import type { KubeEvent, Node, Pod, Taint, Toleration } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createTaintEvictionController,
  noExecuteTaints,
  secondsToStay,
  toleratesTaint,
} from './taint-eviction.ts';

const scope = testScope();
const start = Date.parse('2026-01-01T00:00:00Z');
const taint: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };

/** A toleration of the taint dedicated=db:NoExecute, for `seconds` (none: for ever). */
function tolerating(seconds?: number): Toleration {
  return {
    key: 'dedicated',
    operator: 'Equal',
    value: 'db',
    effect: 'NoExecute',
    ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  };
}

/** A pod bound to node-1 with these tolerations. */
function podOnNode(name: string, tolerations: Toleration[] = []): Pod {
  const pod = examplePod(name);
  pod.spec.nodeName = 'node-1';
  pod.spec.tolerations = tolerations;
  return pod;
}

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(start);
  const nodes = client.resource<Node>('nodes');
  const pods = client.resource<Pod>('pods', 'default');
  await nodes.create(exampleNode('node-1'));
  const controller = createTaintEvictionController({ toolkit, client, clock });
  const run = () => inBackground(controller.run(scope.stopper().signal));
  const taintNode = (taints: Taint[]) => nodes.patch('node-1', { spec: { taints } });
  const gone = async (name: string) => {
    const pod = await pods.get(name).catch(() => undefined);
    return pod === undefined || pod.metadata.deletionTimestamp !== undefined;
  };
  const scheduled = (name: string) => controller.scheduled.has(`default/${name}`);
  const events = async () =>
    (await client.resource<KubeEvent>('events', 'default').list()).items
      .filter((event) => event.reason === 'TaintManagerEviction')
      .map((event) => `${event.involvedObject.name}: ${event.message}`);
  return { clock, controller, pods, run, taintNode, gone, scheduled, events };
}

describe('Taint eviction', () => {
  test('only NoExecute taints evict', () => {
    const node = exampleNode('node-1');
    node.spec = {
      taints: [
        { key: 'a', effect: 'NoSchedule' },
        { key: 'b', effect: 'PreferNoSchedule' },
        { key: 'c', value: 'x', effect: 'NoExecute' },
      ],
    };
    expect(
      noExecuteTaints(node),
      'the NoExecute taints of a:NoSchedule, b:PreferNoSchedule, c=x:NoExecute',
    ).toEqual([{ key: 'c', value: 'x', effect: 'NoExecute' }]);
    expect(noExecuteTaints(exampleNode('plain')), 'a node without taints').toEqual([]);
    expect(noExecuteTaints(undefined), 'a node the cache does not have').toEqual([]);
  });

  test('a toleration tolerates a taint: same effect (or none), same key (or none), then Exists, or Equal with the same value', () => {
    const cases: Array<[Toleration, boolean, string]> = [
      [tolerating(), true, 'dedicated=db:NoExecute'],
      [
        { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoExecute' },
        false,
        'another value',
      ],
      [{ key: 'dedicated', value: 'db' }, true, 'no operator (Equal) and no effect'],
      [{ key: 'dedicated', operator: 'Exists' }, true, 'Exists, any value'],
      [{ key: 'other', operator: 'Exists' }, false, 'another key'],
      [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, false, 'another effect'],
      [{ operator: 'Exists' }, true, 'no key, Exists: every taint'],
    ];
    for (const [toleration, expected, what] of cases) {
      expect(toleratesTaint(toleration, taint), `${what} against dedicated=db:NoExecute`).toBe(
        expected,
      );
    }
  });

  test('a pod that does not tolerate every NoExecute taint must go at once', () => {
    const other: Taint = { key: 'maintenance', effect: 'NoExecute' };
    expect(secondsToStay([taint], []), 'no tolerations').toBe(0);
    expect(
      secondsToStay([taint, other], [tolerating()]),
      'one of two taints tolerated for ever',
    ).toBe(0);
    expect(secondsToStay([taint], [tolerating(0)]), 'tolerationSeconds 0').toBe(0);
    expect(secondsToStay([taint], [tolerating(-5)]), 'tolerationSeconds -5').toBe(0);
  });

  test('a pod that tolerates them all stays the smallest tolerationSeconds of the tolerations it uses, or for ever', () => {
    const other: Taint = { key: 'maintenance', effect: 'NoExecute' };
    const maintenance = (seconds?: number): Toleration => ({
      key: 'maintenance',
      operator: 'Exists',
      ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
    });
    expect(secondsToStay([taint, other], [tolerating(30), maintenance(60)]), '30 s and 60 s').toBe(
      30,
    );
    expect(
      secondsToStay([taint, other], [tolerating(), maintenance(60)]),
      'for ever and 60 s',
    ).toBe(60);
    expect(secondsToStay([taint], [tolerating()]), 'one taint, tolerated for ever').toBe(Infinity);
    expect(
      secondsToStay([taint], [{ operator: 'Exists' }, tolerating(5)]),
      'the first toleration that fits is the one used: Exists for ever, before 5 s',
    ).toBe(Infinity);
    expect(secondsToStay([], []), 'no NoExecute taints at all').toBe(Infinity);
  });

  test('evict records TaintManagerEviction, marks the pod DisruptionTarget, and deletes it', async () => {
    const { controller, pods, gone, events } = await setUp();
    const pod = await pods.create(podOnNode('web'));
    const seen: Pod[] = [];
    const { signal } = scope.stopper();
    const watching = (async () => {
      const since = pod.metadata.resourceVersion;
      for await (const event of pods.watch({ resourceVersion: since, signal })) {
        seen.push(event.object);
        if (event.object.metadata.deletionTimestamp || event.type === 'DELETED') return;
      }
    })().catch(() => {});
    await controller.evict(pod);
    expect(await gone('web'), 'pod web after evict').toBe(true);
    expect(await events(), 'the TaintManagerEviction events').toEqual([
      'web: Marking for deletion Pod default/web',
    ]);
    await watching;
    const condition = seen[0]?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    expect(
      [condition?.status, condition?.reason, condition?.message],
      "pod web's DisruptionTarget condition, written before the delete",
    ).toEqual(['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
    await expect(controller.evict(pod), 'evict of a pod already gone').resolves.toBeUndefined();
  });

  test('a NoExecute taint evicts at once the pods that do not tolerate it, and only those', async () => {
    const { pods, run, taintNode, gone, events } = await setUp();
    await pods.create(podOnNode('plain'));
    await pods.create(podOnNode('forever', [tolerating()]));
    run();
    await taintNode([taint]);
    await waitFor(() => gone('plain'), 'pod plain evicted');
    expect(await gone('forever'), 'pod forever, which tolerates the taint for ever').toBe(false);
    expect(await events(), 'the TaintManagerEviction events').toEqual([
      'plain: Marking for deletion Pod default/plain',
    ]);
  });

  test("a pod that tolerates the taint for 30 s goes 30 s later, on the controller's clock", async () => {
    const { clock, pods, run, taintNode, gone, scheduled } = await setUp();
    await pods.create(podOnNode('quick', [tolerating(30)]));
    run();
    await taintNode([taint]);
    await waitFor(async () => scheduled('quick'), "quick's eviction scheduled");
    clock.advance(29_000);
    expect(await gone('quick'), 'quick, 29 s after the taint').toBe(false);
    clock.advance(1_000);
    await waitFor(() => gone('quick'), 'quick evicted 30 s after the taint');
  });

  test('a taint taken off in time cancels the eviction: "Cancelling deletion of Pod"', async () => {
    const { clock, pods, run, taintNode, gone, scheduled, events } = await setUp();
    await pods.create(podOnNode('spared', [tolerating(30)]));
    run();
    await taintNode([taint]);
    await waitFor(async () => scheduled('spared'), "spared's eviction scheduled");
    clock.advance(10_000);
    await taintNode([]);
    await waitFor(async () => !scheduled('spared'), "spared's eviction cancelled");
    clock.advance(60_000);
    expect(await gone('spared'), 'spared, a minute after its taint came off').toBe(false);
    await waitFor(
      async () => (await events()).includes('spared: Cancelling deletion of Pod default/spared'),
      'the event of the cancelled eviction',
    );
  });

  test('a pod that arrives on a node tainted already is evicted too', async () => {
    const { pods, run, taintNode, gone } = await setUp();
    await taintNode([taint]);
    run();
    await pods.create(podOnNode('late'));
    await waitFor(() => gone('late'), 'pod late, bound to the tainted node, evicted');
  });
});

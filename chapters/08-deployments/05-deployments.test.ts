// The Deployment controller against the reference API server and chapter 07's reference ReplicaSet
// controller, with the fake kubelet (harness/testing/fake-kubelet.ts) making pods Running and
// ready in milliseconds, or never ready when a test says so.
import { describe, expect, test } from 'vitest';
import { exampleDeployment } from '../../harness/api/examples.ts';
import { revisionOf } from '../../harness/api/rollout.ts';
import type { Deployment, KubeEvent, Namespace, Pod, ReplicaSet } from '../../harness/api/types.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { rolloutPause, rolloutUndo } from '../../harness/kata/cluster/rollout.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createReplicaSetController } from '../../solutions/07-controllers/replicaset.ts';
import { createDeploymentController } from './deployment.ts';
import { podTemplateHash } from './template-hash.ts';

const scope = testScope();
const quiet = () => {};

/** The cluster: pods are ready as soon as they run, or `readyDelayMs` later (slow starters). */
async function setUp(readyDelayMs = 0) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client, nodes: ['node-1', 'node-2'], readyDelayMs });
  inBackground(kubelet.run(scope.stopper().signal));
  inBackground(createReplicaSetController({ toolkit, client }).run(scope.stopper().signal));
  inBackground(createDeploymentController({ toolkit, client }).run(scope.stopper().signal));
  const deployments = client.resource<Deployment>('deployments', 'default');
  const replicaSets = client.resource<ReplicaSet>('replicasets', 'default');
  const pods = client.resource<Pod>('pods', 'default');
  const ownedBy = async (deployment: Deployment) =>
    (await replicaSets.list()).items
      .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
  /** Waits until the rollout of the Deployment's current spec is complete. */
  const rolledOut = async (name: string, timeoutMs = 15_000) => {
    let last: Deployment | undefined;
    await waitFor(
      async () => {
        last = await deployments.get(name);
        const replicas = last.spec.replicas ?? 1;
        const status = last.status ?? {};
        return (
          (status.observedGeneration ?? 0) >= (last.metadata.generation ?? 0) &&
          status.updatedReplicas === replicas &&
          status.replicas === replicas &&
          status.availableReplicas === replicas
        );
      },
      `deployment ${name} to roll out (last status ${JSON.stringify(last?.status)})`,
      timeoutMs,
    );
    return last!;
  };
  return { client, kubelet, deployments, replicaSets, pods, ownedBy, rolledOut };
}

/** The uid of an object's controller ownerReference. */
const controllerUid = (rs: ReplicaSet) =>
  rs.metadata.ownerReferences?.find((owner) => owner.controller)?.uid;

const progressing = (deployment: Deployment) =>
  deployment.status?.conditions?.find((c) => c.type === 'Progressing');

/** The Deployment with another image: a new pod template, so a new rollout. */
function setImage(deployments: ResourceClient<Deployment>, name: string, image: string) {
  return deployments.patch(name, {
    spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
  });
}

describe('Deployments', () => {
  test("a Deployment gets a ReplicaSet named after its template's hash, owned by it, whose pods carry the hash", async () => {
    const { deployments, pods, ownedBy } = await setUp();
    const web = await deployments.create(exampleDeployment('web', 3));
    let rs: ReplicaSet | undefined;
    await waitFor(async () => {
      [rs] = await ownedBy(web);
      return rs !== undefined;
    }, 'a ReplicaSet controlled by Deployment web');
    const hash = rs!.spec.template.metadata?.labels?.['pod-template-hash'];
    expect(hash, "the ReplicaSet template's pod-template-hash label").toBe(
      podTemplateHash(web.spec.template),
    );
    expect(rs!.metadata.name, 'its name: web-<hash>').toBe(`web-${hash}`);
    expect(rs!.spec.selector.matchLabels, "its selector: the Deployment's, and the hash").toEqual({
      app: 'web',
      'pod-template-hash': hash,
    });
    expect(rs!.metadata.ownerReferences, 'its controller ownerReference: Deployment web').toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: web.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect([rs!.spec.replicas, revisionOf(rs!)], 'its replicas and revision').toEqual([3, 1]);
    await waitFor(
      async () => (await pods.list()).items.length === 3,
      "the ReplicaSet's three pods (chapter 07's controller makes them)",
    );
    expect(
      (await pods.list()).items.map((pod) => pod.metadata.labels?.['pod-template-hash']),
      'every pod carries the hash label',
    ).toEqual([hash, hash, hash]);
  });

  test('two Deployments side by side: each counts only its own ReplicaSets (the first of each is revision 1)', async () => {
    const { deployments, ownedBy } = await setUp();
    const api = await deployments.create(exampleDeployment('api', 1));
    await waitFor(async () => (await ownedBy(api)).length === 1, "Deployment api's ReplicaSet");
    const web = await deployments.create(exampleDeployment('web', 1));
    await waitFor(async () => (await ownedBy(web)).length === 1, "Deployment web's ReplicaSet");
    const [mine] = await ownedBy(web);
    expect(
      [mine!.metadata.name!.startsWith('web-'), revisionOf(mine!)],
      "web's ReplicaSet: named web-..., revision 1 (api's ReplicaSet is not an old one of web's)",
    ).toEqual([true, 1]);
    expect(
      (await ownedBy(api)).map((rs) => rs.spec.replicas),
      "api's ReplicaSet: still one, at 1 replica",
    ).toEqual([1]);
  });

  test('a Deployment in another namespace gets its ReplicaSet in that namespace', async () => {
    const { client } = await setUp();
    await client.resource<Namespace>('namespaces').create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
    });
    const web = await client
      .resource<Deployment>('deployments', 'team-a')
      .create(exampleDeployment('web', 1));
    const inTeamA = client.resource<ReplicaSet>('replicasets', 'team-a');
    await waitFor(
      async () => (await inTeamA.list()).items.length === 1,
      'a ReplicaSet in namespace team-a',
    );
    const [rs] = (await inTeamA.list()).items;
    expect(
      [rs!.metadata.namespace, controllerUid(rs!)],
      "the ReplicaSet: in team-a, controlled by team-a's Deployment web",
    ).toEqual(['team-a', web.metadata.uid]);
    expect(
      (await client.resource<ReplicaSet>('replicasets', 'default').list()).items,
      'no ReplicaSet in default',
    ).toEqual([]);
  });

  test('its ReplicaSet deleted by hand is made again', async () => {
    const { deployments, replicaSets, ownedBy } = await setUp();
    const web = await deployments.create(exampleDeployment('web', 2));
    await waitFor(async () => (await ownedBy(web)).length === 1, "Deployment web's ReplicaSet");
    const [first] = await ownedBy(web);
    await replicaSets.delete(first!.metadata.name!);
    await waitFor(async () => {
      const [again] = await ownedBy(web);
      return again !== undefined && again.metadata.uid !== first!.metadata.uid;
    }, 'a ReplicaSet made again after the first was deleted (its delete event maps to web)');
    const [again] = await ownedBy(web);
    expect(
      [again!.metadata.name, again!.spec.replicas],
      'the same name (same template), 2 replicas',
    ).toEqual([first!.metadata.name, 2]);
  });

  test('a new template gets a second ReplicaSet, at revision 2, beside the first', async () => {
    const { deployments, ownedBy } = await setUp();
    const web = await deployments.create(exampleDeployment('web', 2));
    await waitFor(async () => (await ownedBy(web)).length === 1, "Deployment web's ReplicaSet");
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await waitFor(
      async () => (await ownedBy(web)).length === 2,
      'a second ReplicaSet for the new template',
    );
    expect(
      (await ownedBy(web)).map((rs) => [
        rs.spec.template.spec.containers[0]?.image,
        revisionOf(rs),
      ]),
      'image and revision of each ReplicaSet, by revision',
    ).toEqual([
      ['kata/echo:1.0', 1],
      ['kata/echo:2.0', 2],
    ]);
  });

  test("the Deployment's revision annotation follows its new ReplicaSet's", async () => {
    const { deployments } = await setUp();
    await deployments.create(exampleDeployment('web', 1));
    await waitFor(
      async () => revisionOf(await deployments.get('web')) === 1,
      'Deployment web to carry revision 1',
    );
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await waitFor(
      async () => revisionOf(await deployments.get('web')) === 2,
      'Deployment web to carry revision 2 once its template changed',
    );
  });

  test('each size given to a ReplicaSet is a ScalingReplicaSet Event on the Deployment', async () => {
    const { client, deployments, ownedBy, rolledOut } = await setUp();
    const spec = exampleDeployment('web', 2);
    spec.spec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    };
    const web = await deployments.create(spec);
    await rolledOut('web');
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await rolledOut('web');
    const [first, second] = (await ownedBy(web)).map((rs) => rs.metadata.name);
    const expected = [
      `Scaled up replica set ${first} from 0 to 2`,
      `Scaled up replica set ${second} from 0 to 1`,
      `Scaled down replica set ${first} from 2 to 1`,
      `Scaled up replica set ${second} from 1 to 2`,
      `Scaled down replica set ${first} from 1 to 0`,
    ];
    const events = client.resource<KubeEvent>('events', 'default');
    let seen: KubeEvent[] = [];
    await waitFor(async () => {
      seen = (await events.list()).items.filter((event) => event.reason === 'ScalingReplicaSet');
      return seen.length >= expected.length;
    }, `${expected.length} ScalingReplicaSet events`);
    expect(
      seen.map((event) => [event.involvedObject.kind, event.involvedObject.name, event.type]),
      'each event: Normal, about Deployment web',
    ).toEqual(expected.map(() => ['Deployment', 'web', 'Normal']));
    expect(
      seen.map((event) => event.message).sort(),
      'the messages: 0 to 2 at first; then, with maxSurge 1 and maxUnavailable 0, one pod at a time',
    ).toEqual([...expected].sort());
  });

  test('status counts the pods, with Available and Progressing (NewReplicaSetAvailable) once all are up', async () => {
    const { deployments, rolledOut } = await setUp();
    await deployments.create(exampleDeployment('web', 2));
    const web = await rolledOut('web');
    let done: Deployment | undefined;
    await waitFor(async () => {
      done = await deployments.get('web');
      return progressing(done)?.reason === 'NewReplicaSetAvailable';
    }, 'the Progressing condition to say the rollout is done');
    expect(done!.status, 'the counters of a rollout of 2 that is done').toMatchObject({
      observedGeneration: web.metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(
      done!.status?.unavailableReplicas,
      'unavailableReplicas, omitted at zero',
    ).toBeUndefined();
    const available = done!.status?.conditions?.find((c) => c.type === 'Available');
    expect([available?.status, available?.reason], 'the Available condition').toEqual([
      'True',
      'MinimumReplicasAvailable',
    ]);
    expect(progressing(done!)?.status, 'the Progressing condition (NewReplicaSetAvailable)').toBe(
      'True',
    );
  });

  test('a rolling update never exceeds replicas + maxSurge pods nor drops below replicas - maxUnavailable ready', async () => {
    const { client, deployments, ownedBy, rolledOut } = await setUp(30);
    const spec = exampleDeployment('web', 6);
    spec.spec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 2, maxUnavailable: 1 },
    };
    await deployments.create(spec);
    const before = await rolledOut('web');

    // Every pod event from here on, in the store's order: the pods as they are at each step.
    const seen = new Map<string, Pod>();
    const steps: { active: number; ready: number }[] = [];
    const stop = scope.stopper();
    const watching = (async () => {
      const podClient = client.resource<Pod>('pods', 'default');
      const list = await podClient.list();
      for (const pod of list.items) seen.set(pod.metadata.name!, pod);
      for await (const event of podClient.watch({
        resourceVersion: list.metadata.resourceVersion,
        signal: stop.signal,
      })) {
        if (event.type === 'BOOKMARK') continue;
        if (event.type === 'DELETED') seen.delete(event.object.metadata.name!);
        else seen.set(event.object.metadata.name!, event.object);
        const active = [...seen.values()].filter((pod) => !pod.metadata.deletionTimestamp);
        const ready = active.filter((pod) =>
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        steps.push({ active: active.length, ready: ready.length });
      }
    })();
    inBackground(watching);

    await setImage(deployments, 'web', 'kata/echo:2.0');
    await waitFor(
      async () => (await deployments.get('web')).metadata.generation! > before.metadata.generation!,
      'the new generation',
    );
    const after = await rolledOut('web', 30_000);
    await waitFor(
      () => steps.length > 0 && steps.at(-1)!.active === 6 && steps.at(-1)!.ready === 6,
      'the watch to see six ready pods',
    );
    stop.abort();

    expect(steps.length, 'pod events seen during the rollout').toBeGreaterThan(12);
    expect(
      Math.max(...steps.map((step) => step.active)),
      'the most pods at any step (6 + maxSurge 2)',
    ).toBeLessThanOrEqual(8);
    expect(
      Math.min(...steps.map((step) => step.ready)),
      'the fewest ready pods at any step (6 - maxUnavailable 1)',
    ).toBeGreaterThanOrEqual(5);
    const [old, current] = await ownedBy(after);
    expect(
      [old?.spec.replicas, revisionOf(old!)],
      'the old ReplicaSet: scaled to 0, revision 1',
    ).toEqual([0, 1]);
    expect([current?.spec.replicas, revisionOf(current!)], 'the new one: 6, revision 2').toEqual([
      6, 2,
    ]);
    expect(current?.spec.template.spec.containers[0]?.image, "the new one's image").toBe(
      'kata/echo:2.0',
    );
  });

  test('Recreate: every old pod is gone before the first new one is created', async () => {
    const { client, deployments, rolledOut } = await setUp();
    const spec = exampleDeployment('web', 3);
    spec.spec.strategy = { type: 'Recreate' };
    await deployments.create(spec);
    await rolledOut('web');
    const oldNames = new Set(
      (await client.resource<Pod>('pods', 'default').list()).items.map((pod) => pod.metadata.name),
    );
    const overlaps: string[] = [];
    const live = new Set(oldNames);
    const stop = scope.stopper();
    const pods = client.resource<Pod>('pods', 'default');
    const from = (await pods.list()).metadata.resourceVersion;
    inBackground(
      (async () => {
        for await (const event of pods.watch({ resourceVersion: from, signal: stop.signal })) {
          const name = event.object.metadata.name!;
          if (event.type === 'DELETED') live.delete(name);
          if (
            event.type === 'ADDED' &&
            !oldNames.has(name) &&
            [...live].some((pod) => oldNames.has(pod))
          )
            overlaps.push(`${name} created while ${[...live].join(', ')} existed`);
          if (event.type === 'ADDED') live.add(name);
        }
      })(),
    );
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await rolledOut('web');
    stop.abort();
    expect(overlaps, 'new pods created while old ones still existed').toEqual([]);
  });

  test('scaled in the middle of a rollout, both ReplicaSets grow in proportion', async () => {
    const { kubelet, deployments, ownedBy, rolledOut } = await setUp();
    const spec = exampleDeployment('web', 10);
    spec.spec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 3, maxUnavailable: 0 },
    };
    const web = await deployments.create(spec);
    await rolledOut('web');
    // The new pods never become ready, so the rollout stops at 10 old and 3 new.
    kubelet.ready = (pod) => pod.spec.containers[0]?.image !== 'kata/echo:2.0';
    await setImage(deployments, 'web', 'kata/echo:2.0');
    const sizes = async () => (await ownedBy(web)).map((rs) => rs.spec.replicas);
    await waitFor(
      async () => JSON.stringify(await sizes()) === '[10,3]',
      'the rollout to stall at 10 old and 3 new',
    );
    await deployments.patch('web', { spec: { replicas: 20 } });
    // 23 allowed now: 10/13 and 3/13 of 23, rounded.
    await waitFor(
      async () => JSON.stringify(await sizes()) === '[18,5]',
      'the ReplicaSets to be 18 and 5',
    );
  });

  test('a rollout whose pods never become ready passes its progress deadline: Progressing False', async () => {
    const { kubelet, deployments, rolledOut } = await setUp();
    const spec = exampleDeployment('web', 2);
    spec.spec.progressDeadlineSeconds = 1;
    await deployments.create(spec);
    await rolledOut('web');
    kubelet.ready = (pod) => pod.spec.containers[0]?.image !== 'kata/echo:2.0';
    await setImage(deployments, 'web', 'kata/echo:2.0');
    // A one-second deadline, counted from a whole-second timestamp, may pass before the surge pod
    // is even counted; its arrival is progress, and Progressing is True again. The rollout is stuck
    // for good once that pod is counted (updatedReplicas 1) and never ready: read that moment.
    let stuck: Deployment | undefined;
    await waitFor(
      async () => {
        stuck = await deployments.get('web');
        return (
          stuck.status?.updatedReplicas === 1 &&
          progressing(stuck)?.reason === 'ProgressDeadlineExceeded'
        );
      },
      'the surge pod counted and the Progressing condition to say ProgressDeadlineExceeded',
      15_000,
    );
    const condition = progressing(stuck!);
    expect(
      [condition?.status, condition?.message],
      'Progressing after the deadline: False, "ReplicaSet ... has timed out progressing."',
    ).toEqual(['False', expect.stringMatching(/has timed out progressing/)]);
    expect(
      stuck!.status,
      'the old pods keep serving: 3 pods, 1 updated (never ready), 2 available',
    ).toMatchObject({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
  });

  test('paused: a new template waits; resumed, it rolls out', async () => {
    const { client, deployments, ownedBy, rolledOut } = await setUp();
    const web = await deployments.create(exampleDeployment('web', 2));
    await rolledOut('web');
    await rolloutPause(client, 'default', 'web', quiet, true);
    await waitFor(
      async () => progressing(await deployments.get('web'))?.reason === 'DeploymentPaused',
      'the DeploymentPaused condition',
    );
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await deployments.patch('web', { spec: { replicas: 3 } });
    await waitFor(
      async () => (await ownedBy(web))[0]?.spec.replicas === 3,
      'a paused Deployment still scales',
    );
    expect((await ownedBy(web)).length, 'no new ReplicaSet while paused').toBe(1);
    await rolloutPause(client, 'default', 'web', quiet, false);
    const done = await rolledOut('web');
    const [, current] = await ownedBy(done);
    expect(current?.spec.template.spec.containers[0]?.image, 'rolled out after resume').toBe(
      'kata/echo:2.0',
    );
  });

  test("undo to a revision: that ReplicaSet's template comes back, as the newest revision", async () => {
    const { client, deployments, ownedBy, rolledOut } = await setUp();
    const web = await deployments.create(exampleDeployment('web', 2));
    await rolledOut('web');
    await setImage(deployments, 'web', 'kata/echo:2.0');
    await rolledOut('web');
    await setImage(deployments, 'web', 'kata/echo:3.0');
    await rolledOut('web');
    await rolloutUndo(client, 'default', 'web', quiet, 1);
    const done = await rolledOut('web');
    expect(done.spec.template.spec.containers[0]?.image, "the Deployment's image").toBe(
      'kata/echo:1.0',
    );
    const replicaSets = await ownedBy(web);
    expect(
      replicaSets.map((rs) => [
        rs.spec.template.spec.containers[0]?.image,
        revisionOf(rs),
        rs.spec.replicas,
      ]),
      'image, revision and replicas of each ReplicaSet',
    ).toEqual([
      ['kata/echo:2.0', 2, 0],
      ['kata/echo:3.0', 3, 0],
      ['kata/echo:1.0', 4, 2],
    ]);
    expect(revisionOf(done), "the Deployment's revision").toBe(4);
  });

  test('old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first', async () => {
    const { deployments, ownedBy, rolledOut } = await setUp();
    const spec = exampleDeployment('web', 1);
    spec.spec.revisionHistoryLimit = 2;
    const web = await deployments.create(spec);
    for (const image of ['kata/echo:2.0', 'kata/echo:3.0', 'kata/echo:4.0', 'kata/echo:5.0']) {
      await rolledOut('web');
      await setImage(deployments, 'web', image);
    }
    await rolledOut('web');
    let kept: ReplicaSet[] = [];
    await waitFor(async () => {
      kept = await ownedBy(web);
      return kept.length === 3;
    }, 'three ReplicaSets: the current one and two old');
    expect(
      kept.map(revisionOf),
      'five revisions, revisionHistoryLimit 2: the current one (5) and the newest two old (3, 4)',
    ).toEqual([3, 4, 5]);
  });

  test('a name taken by another template: collisionCount counts up, and the ReplicaSet gets the next name', async () => {
    const { client, deployments, replicaSets, ownedBy } = await setUp();
    // Paused, it makes no ReplicaSet: its template, as stored, gives the name it will want.
    const spec = exampleDeployment('web', 1);
    spec.spec.paused = true;
    const web = await deployments.create(spec);
    const taken = `web-${podTemplateHash(web.spec.template)}`;
    await replicaSets.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: taken },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'squatter' } },
        template: {
          metadata: { labels: { app: 'squatter' } },
          spec: { containers: [{ name: 'app', image: 'kata/echo:9.9' }] },
        },
      },
    });
    await rolloutPause(client, 'default', 'web', quiet, false);
    let mine: ReplicaSet[] = [];
    await waitFor(async () => {
      mine = await ownedBy(web);
      return mine.length === 1;
    }, 'a ReplicaSet of its own, under another name');
    expect(
      (await deployments.get('web')).status?.collisionCount,
      "the Deployment's status.collisionCount",
    ).toBe(1);
    expect(mine[0]!.metadata.name, 'its name: web-<podTemplateHash(template, 1)>').toBe(
      `web-${podTemplateHash(web.spec.template, 1)}`,
    );
    const squatter = await replicaSets.get(taken);
    expect(
      [squatter.metadata.ownerReferences, squatter.spec.template.spec.containers[0]?.image],
      'the ReplicaSet that had the name: left as it was',
    ).toEqual([undefined, 'kata/echo:9.9']);
  });
});

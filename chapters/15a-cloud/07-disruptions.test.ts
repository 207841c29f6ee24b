// The disruption controller: which budgets a pod falls under, the DisruptionAllowed condition and
// when a status needs writing, as functions; then the controller keeping a budget's status against
// the reference API server, with chapter 03b's reference budgetStatus doing the counting.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod, PodDisruptionBudget } from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { budgetStatus } from '../../solutions/03b-api-machinery/subresources.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  budgetsFor,
  createDisruptionController,
  nextExpiry,
  statusChanged,
  withCondition,
} from './disruption.ts';

const scope = testScope();
const now = Date.parse('2026-01-01T12:00:00Z');

/** A budget in default over the pods labelled app=`app`, keeping `minAvailable` of them up. */
function budget(name: string, app: string, minAvailable: number | string): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'default' },
    spec: { minAvailable, selector: { matchLabels: { app } } },
  };
}

/** Pod `name` of app `app` in default, Running, Ready or not. */
function appPod(name: string, app: string, ready = true): Pod {
  const pod = examplePod(name, { app });
  pod.metadata.namespace = 'default';
  pod.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  };
  return pod;
}

const figures = { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 };

describe('The disruption controller', () => {
  test('budgetsFor: the budgets of the pod’s namespace whose selector selects its labels', () => {
    const web = budget('web', 'web', 1);
    const db = budget('db', 'db', 1);
    const elsewhere = { ...budget('other', 'web', 1), metadata: { name: 'o', namespace: 'prod' } };
    const bare = { ...budget('bare', 'web', 1), spec: { minAvailable: 1 } };
    const chosen = budgetsFor(appPod('w1', 'web'), [web, db, elsewhere, bare]);
    expect(
      chosen.map((each) => each.metadata.name),
      'budgets for a pod app=web in default: web, db, web in prod, and one with no selector',
    ).toEqual(['web']);
  });

  test('withCondition: DisruptionAllowed True SufficientPods, or False InsufficientPods, its time kept while unchanged', () => {
    const allowed = withCondition({ ...figures, observedGeneration: 1 }, undefined, now);
    expect(allowed.conditions, 'the condition with one disruption allowed').toEqual([
      {
        type: 'DisruptionAllowed',
        status: 'True',
        reason: 'SufficientPods',
        message: '',
        lastTransitionTime: rfc3339(now),
        observedGeneration: 1,
      },
    ]);
    const later = withCondition({ ...figures, currentHealthy: 4 }, allowed, now + 60_000);
    expect(
      later.conditions?.[0]?.lastTransitionTime,
      'a minute later, still allowed: the transition time',
    ).toBe(rfc3339(now));
    const none = withCondition({ ...figures, disruptionsAllowed: 0 }, allowed, now + 60_000);
    expect(
      [none.conditions?.[0]?.status, none.conditions?.[0]?.reason],
      'no disruption allowed',
    ).toEqual(['False', 'InsufficientPods']);
    expect(none.conditions?.[0]?.lastTransitionTime, 'its transition time').toBe(
      rfc3339(now + 60_000),
    );
  });

  test('statusChanged compares whole statuses; nextExpiry says when the first disrupted pod stops counting', () => {
    const status = withCondition(figures, undefined, now);
    expect(statusChanged(structuredClone(status), status), 'the same status again').toBe(false);
    expect(statusChanged(undefined, status), 'a budget with no status yet').toBe(true);
    expect(statusChanged(status, { ...status, currentHealthy: 2 }), 'one pod fewer healthy').toBe(
      true,
    );
    expect(nextExpiry(status, now), 'no disrupted pods').toBeUndefined();
    const disrupted = {
      ...status,
      disruptedPods: { a: rfc3339(now - 30_000), b: rfc3339(now - 90_000) },
    };
    expect(nextExpiry(disrupted, now), 'b was evicted 90 s ago, of its two minutes').toBe(30_000);
    const gone = { ...status, disruptedPods: { a: rfc3339(now - 600_000) } };
    expect(nextExpiry(gone, now), 'a pod evicted ten minutes ago').toBe(0);
  });

  test('the controller writes a budget’s status from its pods, and again when a pod stops being Ready', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const pods = client.resource<Pod>('pods', 'default');
    for (const pod of [appPod('w1', 'web'), appPod('w2', 'web'), appPod('w3', 'web')]) {
      const created = await pods.create(pod);
      await pods.updateStatus({ ...created, status: pod.status });
    }
    const budgets = client.resource<PodDisruptionBudget>('poddisruptionbudgets', 'default');
    await budgets.create(budget('web', 'web', 2));
    const controller = createDisruptionController({ toolkit, client, budgetStatus });
    inBackground(controller.run(scope.stopper().signal));
    const figuresOf = async () => {
      const status = (await budgets.get('web')).status;
      return status && [status.expectedPods, status.currentHealthy, status.disruptionsAllowed];
    };
    await waitFor(
      async () => JSON.stringify(await figuresOf()) === '[3,3,1]',
      'budget web: 3 expected, 3 healthy, 1 disruption allowed',
    );
    const w3 = await pods.get('w3');
    await pods.updateStatus({ ...w3, status: appPod('w3', 'web', false).status });
    await waitFor(
      async () => JSON.stringify(await figuresOf()) === '[3,2,0]',
      'budget web once w3 is not Ready: 2 healthy, none allowed',
    );
    const written = (await budgets.get('web')).status!;
    expect(
      [written.desiredHealthy, written.conditions?.[0]?.reason],
      'desiredHealthy and the condition',
    ).toEqual([2, 'InsufficientPods']);
  });
});

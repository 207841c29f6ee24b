// The API server's checks of Jobs, CronJobs, DaemonSets and StatefulSets
// (harness/api/workload-validation.ts): each rule on its own, then one refusal through the
// reference API server, a 422 with kube's message.
import { describe, expect, test } from 'vitest';
import { testScope } from '../testing/scope.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { isInvalid } from '../client/errors.ts';
import { exampleDaemonSet, exampleStatefulSet } from './examples.ts';
import type { FieldError } from './errors.ts';
import type { KubeObject } from './types.ts';
import {
  scheduleProblem,
  validateCronJob,
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateJob,
  validateJobUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workload-validation.ts';

const scope = testScope();

/** Each error as "field: type: detail", for reading. */
const words = (errors: FieldError[]) =>
  errors.map((error) => `${error.field}: ${error.type}${error.detail ? `: ${error.detail}` : ''}`);

function aJob(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: {
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'kata/job' }] },
      },
      ...spec,
    },
  };
}

describe('workload validation', () => {
  test('a Job: counts not negative, a known completion mode, Indexed with completions, OnFailure or Never', () => {
    expect(words(validateJob(aJob({}))), 'a Job of one container that restarts Never').toEqual([]);
    const broken = aJob({ parallelism: -1, backoffLimit: -2, completionMode: 'Indexed' });
    (
      broken.spec as { template: { spec: { restartPolicy?: string } } }
    ).template.spec.restartPolicy = undefined;
    expect(
      words(validateJob(broken)),
      'parallelism -1, backoffLimit -2, Indexed, no policy',
    ).toEqual([
      'spec.parallelism: FieldValueInvalid: must be greater than or equal to 0',
      'spec.backoffLimit: FieldValueInvalid: must be greater than or equal to 0',
      'spec.completions: FieldValueRequired: when completion mode is Indexed',
      'spec.template.spec.restartPolicy: FieldValueNotSupported: supported values: "OnFailure", "Never"',
    ]);
    const selected = aJob({ selector: { matchLabels: { app: 'other' } } });
    expect(
      words(validateJob(selected)),
      'a hand-written selector that misses the template',
    ).toEqual([
      'spec.template.metadata.labels: FieldValueInvalid: `selector` does not match template `labels`',
    ]);
  });

  test('a CronJob: a name of 52 characters at most, a schedule that parses, a known zone and policy', () => {
    const cronJob = (spec: Record<string, unknown>, name = 'nightly'): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: aJob({}).spec }, ...spec },
    });
    expect(words(validateCronJob(cronJob({}))), 'every five minutes').toEqual([]);
    expect(
      words(validateCronJob(cronJob({ schedule: 'often', timeZone: 'Mars/Base' }, 'n'.repeat(53)))),
      'a 53-character name, schedule "often", zone Mars/Base',
    ).toEqual([
      'metadata.name: FieldValueInvalid: must be no more than 52 characters',
      'spec.schedule: FieldValueInvalid: expected exactly 5 fields, found 1: [often]',
      'spec.timeZone: FieldValueInvalid: unknown time zone Mars/Base',
    ]);
    expect(
      words(validateCronJob(cronJob({ schedule: 'TZ=UTC 0 * * * *', concurrencyPolicy: 'Never' }))),
      'a TZ= in the schedule, concurrencyPolicy Never',
    ).toEqual([
      'spec.schedule: FieldValueInvalid: cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      'spec.concurrencyPolicy: FieldValueNotSupported: supported values: "Allow", "Forbid", "Replace"',
    ]);
    expect(
      [scheduleProblem('@hourly'), scheduleProblem('@often'), scheduleProblem('0 9 * * mon-fri')],
      'the shapes of @hourly, @often and "0 9 * * mon-fri"',
    ).toEqual([undefined, 'unrecognized descriptor: @often', undefined]);
  });

  test('a DaemonSet: a selector that selects its template, Always, exactly one of maxUnavailable and maxSurge', () => {
    const ds = exampleDaemonSet('logs') as unknown as KubeObject;
    expect(words(validateDaemonSet(ds)), 'the example DaemonSet').toEqual([]);
    const both = exampleDaemonSet('logs');
    both.spec.updateStrategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '150%', maxSurge: 1 },
    };
    both.spec.template.spec.restartPolicy = 'Never';
    both.spec.selector = {};
    expect(
      words(validateDaemonSet(both as unknown as KubeObject)),
      'maxUnavailable 150% with maxSurge 1, restartPolicy Never, an empty selector',
    ).toEqual([
      'spec.selector: FieldValueInvalid: empty selector is invalid for daemonset',
      'spec.template.spec.restartPolicy: FieldValueNotSupported: supported values: "Always"',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: FieldValueInvalid: must not be greater than 100%',
      'spec.updateStrategy.rollingUpdate.maxSurge: FieldValueInvalid: may not be set when maxUnavailable is non-zero',
    ]);
    const moved = exampleDaemonSet('logs');
    moved.spec.selector = { matchLabels: { app: 'moved' } };
    moved.spec.template.metadata!.labels = { app: 'moved' };
    expect(
      words(validateDaemonSetUpdate(moved as unknown as KubeObject, ds)),
      'an update that changes the selector',
    ).toEqual(['spec.selector: FieldValueInvalid: field is immutable']);
  });

  test('a StatefulSet: known policies, counts not negative; an update changes only what kube lets it', () => {
    const sts = exampleStatefulSet('web') as unknown as KubeObject;
    expect(words(validateStatefulSet(sts)), 'the example StatefulSet').toEqual([]);
    const broken = exampleStatefulSet('web');
    broken.spec.replicas = -1;
    (broken.spec as { podManagementPolicy?: string }).podManagementPolicy = 'AllAtOnce';
    expect(
      words(validateStatefulSet(broken as unknown as KubeObject)),
      'replicas -1, podManagementPolicy AllAtOnce',
    ).toEqual([
      "spec.podManagementPolicy: FieldValueInvalid: must be 'OrderedReady' or 'Parallel'",
      'spec.replicas: FieldValueInvalid: must be greater than or equal to 0',
    ]);
    const scaled = exampleStatefulSet('web');
    scaled.spec.replicas = 5;
    expect(
      words(validateStatefulSetUpdate(scaled as unknown as KubeObject, sts)),
      'an update of replicas only',
    ).toEqual([]);
    const renamed = exampleStatefulSet('web');
    renamed.spec.serviceName = 'other';
    expect(
      words(validateStatefulSetUpdate(renamed as unknown as KubeObject, sts)),
      'an update of serviceName',
    ).toEqual([
      "spec: FieldValueForbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    const running = aJob({ selector: { matchLabels: { a: 'b' } } });
    const changed = aJob({ selector: { matchLabels: { a: 'c' } }, parallelism: 3 });
    expect(
      words(validateJobUpdate(changed, running)),
      "a Job's selector changed (parallelism may change)",
    ).toEqual(['spec.selector: FieldValueInvalid: field is immutable']);
  });

  test('the API server refuses a Job it would not run with a 422 naming each field', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const refused = await client
      .resource<KubeObject>('jobs', 'default')
      .create(aJob({ parallelism: -1 }))
      .catch((error: unknown) => error);
    expect(isInvalid(refused), 'creating a Job with parallelism -1: a 422 Invalid').toBe(true);
    expect(
      (refused as Error).message,
      "the Status message, as kube-apiserver's: the kind, the name, the field",
    ).toContain(
      'Job.batch "pi" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    );
  });
});

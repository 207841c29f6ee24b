// Jobs and CronJobs through the real kubectl (chapter 13a), on a one-node reference cluster whose
// kubelet runs the programs: a Job of 5 completions, 2 at a time, completes; an Indexed Job's pods
// print their index; a Job whose pod exits 3 fails at its back-off limit; `kubectl get jobs -w`
// follows a Job to Complete; `kubectl create job --from=cronjob/...` runs a CronJob's Job now. Skipped, with the reason, without kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl) {
    cluster = await startKubectlCluster(1, suiteNodeIndexBase.jobs, '127.113.0.0/24');
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (args: string[]) => cluster!.kubectl.output(...args);

/** kubectl apply of a manifest, written to a file in kubectl's home first. */
async function apply(name: string, manifest: string): Promise<void> {
  const file = path.join(cluster!.kubectl.home, `${name}.yaml`);
  writeFileSync(file, manifest);
  await kubectl(['apply', '-f', file]);
}

/** A Job of kata/job (or `image`), with extra spec lines. */
function job(name: string, spec: string, image = 'kata/job', args = '[]'): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: ${image}
          args: ${args}
`;
}

describe.skipIf(!hasKubectl)(
  `Jobs and CronJobs with kubectl${hasKubectl ? '' : ` (${noKubectl})`}`,
  () => {
    test('a Job of 5 completions, 2 at a time, completes; kubectl get jobs says 5/5 Complete', async () => {
      await apply('five', job('five', '  completions: 5\n  parallelism: 2'));
      await kubectl(['wait', '--for=condition=complete', 'job/five', '--timeout=60s']);
      const row = await kubectl(['get', 'job', 'five', '--no-headers']);
      expect(row.split(/\s+/).slice(0, 3), 'NAME STATUS COMPLETIONS').toEqual([
        'five',
        'Complete',
        '5/5',
      ]);
    });

    test("an Indexed Job's pods each print their JOB_COMPLETION_INDEX", async () => {
      await apply(
        'shards',
        job('shards', '  completions: 2\n  parallelism: 2\n  completionMode: Indexed'),
      );
      await kubectl(['wait', '--for=condition=complete', 'job/shards', '--timeout=60s']);
      const logs = await kubectl(['logs', '-l', 'batch.kubernetes.io/job-name=shards']);
      expect(
        logs
          .split('\n')
          .filter((line) => line.startsWith('index '))
          .sort(),
        'the lines the two pods printed about their index',
      ).toEqual(['index 0', 'index 1']);
    });

    test('a Job kube would refuse is refused: kubectl apply prints the 422 with each field', async () => {
      const file = path.join(cluster!.kubectl.home, 'negative.yaml');
      writeFileSync(file, job('negative', '  parallelism: -1\n  completionMode: Sometimes'));
      const refused = await cluster!.kubectl.run('apply', '-f', file);
      expect(
        refused.code,
        `kubectl apply of a Job with parallelism -1 (${refused.stderr})`,
      ).not.toBe(0);
      expect(refused.stderr, "kubectl's error: the server's message").toContain(
        'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      );
      expect(refused.stderr, 'and the completion mode it does not know').toContain(
        'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
      );
    });

    test('a pod that exits 3 with backoffLimit 0 fails the Job: BackoffLimitExceeded', async () => {
      await apply(
        'broken',
        job('broken', '  backoffLimit: 0', 'kata/crash', '["--after=0", "--code=3"]'),
      );
      await kubectl(['wait', '--for=condition=failed', 'job/broken', '--timeout=60s']);
      const reason = await kubectl([
        'get',
        'job',
        'broken',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Failed")].reason}',
      ]);
      expect(reason, "the Failed condition's reason").toBe('BackoffLimitExceeded');
    });

    test('kubectl get jobs -w shows a Job created with kubectl create job go from Running to Complete', async () => {
      const watch = cluster!.kubectl.start('get', 'jobs', '-w');
      let seen = '';
      watch.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      try {
        await kubectl(['create', 'job', 'watched', '--image=kata/job', '--', '--seconds=1']);
        await waitFor(
          () => /watched\s+Running\s+0\/1/.test(seen) && /watched\s+Complete\s+1\/1/.test(seen),
          `kubectl get jobs -w to show watched Running 0/1, then Complete 1/1 (so far: ${seen})`,
          30_000,
        );
      } finally {
        watch.kill();
      }
    });

    test('kubectl create cronjob, then create job --from=cronjob runs its Job now', async () => {
      await kubectl(['create', 'cronjob', 'tick', '--image=kata/job', '--schedule=*/5 * * * *']);
      const row = await kubectl(['get', 'cronjob', 'tick', '--no-headers']);
      expect(row.split(/\s+/).slice(0, 7), 'NAME, SCHEDULE (5 fields), TIMEZONE').toEqual([
        'tick',
        '*/5',
        '*',
        '*',
        '*',
        '*',
        '<none>',
      ]);
      await kubectl(['create', 'job', 'tick-now', '--from=cronjob/tick']);
      await kubectl(['wait', '--for=condition=complete', 'job/tick-now', '--timeout=60s']);
    });
  },
);

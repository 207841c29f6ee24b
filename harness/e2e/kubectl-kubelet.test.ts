// Acceptance (issue #20): what the real kubectl shows of the kubelet is true. One reference cluster
// of one node: the kubelet's Events in `kubectl describe pod` and `kubectl events` (chapter 06,
// written through harness/client/events.ts, which counts repeats into one Event), its log options
// (`logs --previous`, `--since`, `--timestamps`), and the node's platform in Go's names.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KubeEvent } from '../api/types.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let running: KubectlCluster | undefined;
const kubectl = (...args: string[]) => running!.kubectl.run(...args);

/** The output of a kubectl command that must succeed. */
async function output(...args: string[]): Promise<string> {
  const result = await kubectl(...args);
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The restart count of pod `name`'s only container (0 while there is none). */
async function restarts(name: string): Promise<number> {
  const result = await kubectl(
    'get',
    'pod',
    name,
    '-o',
    'jsonpath={.status.containerStatuses[0].restartCount}',
  );
  return Number(result.stdout || 0);
}

const it = test.skipIf(!hasKubectl);

describe('kubectl and the kubelet', { timeout: 180_000 }, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  beforeAll(async () => {
    if (!hasKubectl) return;
    running = await startKubectlCluster(1, suiteNodeIndexBase.kubelet, '127.130.0.0/16');
    // A crash loop (a run of one second), a server that keeps running, and a pod nothing can place.
    await output('run', 'crashy', '--image=kata/crash', '--', '--after=1');
    await output('run', 'web', '--image=kata/echo', '--port=8080');
    await output(
      'run',
      'lost',
      '--image=kata/echo',
      '--overrides={"spec":{"nodeSelector":{"kata":"nowhere"}}}',
    );
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
  });

  it('kubectl describe pod of a crash loop shows Created, Started and BackOff Events from the kubelet', async () => {
    let described = '';
    await waitFor(
      async () => {
        described = (await kubectl('describe', 'pod', 'crashy')).stdout;
        return /BackOff/.test(described);
      },
      'a BackOff Event in kubectl describe pod crashy',
      90_000,
    );
    for (const [reason, message] of [
      ['Created', 'Created container crashy'],
      ['Started', 'Started container crashy'],
      ['BackOff', 'Back-off restarting failed container crashy in pod crashy_default('],
    ]) {
      expect(described, `kubectl describe pod crashy shows ${reason} from the kubelet`).toMatch(
        new RegExp(`${reason}\\s.*kubelet\\s+${message.replace(/[()]/g, '\\$&')}`),
      );
    }
  });

  it('kubectl logs --previous prints the run that crashed, and errors when there was none', async () => {
    await waitFor(async () => (await restarts('crashy')) >= 1, 'crashy to restart', 90_000);
    const previous = await output('logs', 'crashy', '--previous');
    expect(previous, 'kubectl logs crashy --previous').toContain('crashing with exit code 1');
    await waitFor(
      async () => (await kubectl('get', 'pod', 'web')).stdout.includes('Running'),
      'web Running',
      60_000,
    );
    const none = await kubectl('logs', 'web', '--previous');
    expect(
      [none.code === 0, none.stderr.trim()],
      'kubectl logs web --previous, a pod that never restarted',
    ).toEqual([
      false,
      'Error from server (BadRequest): previous terminated container "web" in pod "web" not found',
    ]);
  });

  it('kubectl logs --timestamps prefixes each line with its time; --since=1h keeps the last hour', async () => {
    await waitFor(async () => (await restarts('crashy')) >= 1, 'crashy to restart', 90_000);
    const stamped = await output('logs', 'crashy', '--previous', '--timestamps');
    const lines = stamped.trim().split('\n');
    expect(lines.length, 'lines of kubectl logs crashy --previous --timestamps').toBeGreaterThan(0);
    for (const line of lines) {
      expect(line, 'a line of kubectl logs --timestamps').toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \S/,
      );
    }
    const recent = await output('logs', 'crashy', '--previous', '--since=1h');
    expect(recent, 'kubectl logs crashy --previous --since=1h').toContain(
      'crashing with exit code',
    );
    const future = await output(
      'logs',
      'crashy',
      '--previous',
      '--since-time=2999-01-01T00:00:00Z',
    );
    expect(future, 'kubectl logs crashy --previous --since-time in the year 2999').toBe('');
  });

  it('kubectl logs --tail and --limit-bytes still cut the log', async () => {
    await waitFor(async () => (await restarts('crashy')) >= 1, 'crashy to restart', 90_000);
    const last = await output('logs', 'crashy', '--previous', '--tail=1');
    expect(last, 'kubectl logs crashy --previous --tail=1').toBe('crashing with exit code 1\n');
    const first = await output('logs', 'crashy', '--previous', '--limit-bytes=7');
    expect(first, 'kubectl logs crashy --previous --limit-bytes=7').toBe('running');
  });

  it('kubectl events --for pod/crashy lists its Events', async () => {
    const listed = await output('events', '--for', 'pod/crashy');
    expect(listed, 'kubectl events --for pod/crashy').toMatch(
      /Started\s+Pod\/crashy\s+Started container crashy/,
    );
  });

  it('a pod nothing can schedule has one FailedScheduling Event, whose count grows', async () => {
    const failed = async () => {
      const text = await output(
        'get',
        'events',
        '--field-selector',
        'reason=FailedScheduling,involvedObject.name=lost',
        '-o',
        'json',
      );
      return (JSON.parse(text) as { items: KubeEvent[] }).items;
    };
    await waitFor(
      async () => ((await failed())[0]?.count ?? 0) >= 2,
      'the FailedScheduling Event of lost to count two tries',
      90_000,
    );
    const events = await failed();
    expect(
      events.length,
      `FailedScheduling Events about lost after ${events[0]?.count} tries`,
    ).toBe(1);
  });

  it("kubectl describe node shows the architecture in Go's names, as the label does", async () => {
    const [node] = (await output('get', 'nodes', '-o', 'name')).trim().split('\n');
    const label = await output(
      'get',
      node!,
      '-o',
      'jsonpath={.metadata.labels.kubernetes\\.io/arch}',
    );
    if (process.arch === 'x64')
      expect(label, 'the kubernetes.io/arch label on x86_64').toBe('amd64');
    const described = await output('describe', node!);
    expect(described, 'kubectl describe node').toMatch(new RegExp(`Architecture:\\s+${label}\\n`));
    if (process.platform === 'linux') {
      expect(described, 'kubectl describe node').toMatch(/Operating System:\s+linux\n/);
    }
  });
});

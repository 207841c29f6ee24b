// Resource usage at the source: the kubelet's reading of /proc, the rate between two readings, and
// the summary of a node's pods. The collector runs on the fake runtime with a fake process reader;
// one test reads this test's own process from the real /proc (Linux only).
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import {
  addUsage,
  cpuFromStat,
  memoryFromStatm,
  readProcess,
  StatsCollector,
  usageNanoCores,
  usageStats,
  type ProcessReading,
} from './stats.ts';

const start = Date.parse('2026-01-01T12:00:00Z');

/** A /proc/<pid>/stat line of a process whose command has a space and a parenthesis. */
const stat = (utime: number, stime: number) =>
  `4242 (node (worker) x) R 1 4242 4242 0 -1 4194304 1200 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 99 1161646080 12345`;

describe('Resource usage', () => {
  test('CPU time is utime + stime, fields 14 and 15 of /proc/<pid>/stat, in ticks of 1/100 s', () => {
    expect(cpuFromStat(stat(150, 50)), '150 ticks in user mode and 50 in the kernel, in ns').toBe(
      2e9,
    );
    expect(
      () => cpuFromStat('garbage'),
      'a line without the fields throws "cannot read utime and stime"',
    ).toThrow('cannot read utime and stime');
  });

  test('resident memory is the second field of /proc/<pid>/statm, in pages of 4096 bytes', () => {
    expect(memoryFromStatm('286000 5000 2000 10 0 30000 0\n'), '5000 resident pages').toBe(
      20_480_000,
    );
  });

  test('the rate between two readings is CPU time over wall time, in nanocores; without an earlier reading, 0', () => {
    const first: ProcessReading = { time: start, cpuNanoseconds: 1e9, memoryBytes: 0 };
    const second: ProcessReading = { time: start + 10_000, cpuNanoseconds: 3.5e9, memoryBytes: 0 };
    expect(usageNanoCores(first, second), '2.5 s of CPU in 10 s: a quarter of a core').toBe(
      250_000_000,
    );
    expect(usageNanoCores(undefined, second), 'no earlier reading').toBe(0);
  });

  test('usage stats carry the rate, the cumulative CPU and the memory; addUsage sums them', () => {
    const reading = { time: start + 1000, cpuNanoseconds: 2e9, memoryBytes: 4096 };
    const one = usageStats({ time: start, cpuNanoseconds: 1.5e9, memoryBytes: 0 }, reading);
    expect(one, 'half a second of CPU in a second').toEqual({
      cpu: {
        time: '2026-01-01T12:00:01.000Z',
        usageNanoCores: 500_000_000,
        usageCoreNanoSeconds: 2e9,
      },
      memory: { time: '2026-01-01T12:00:01.000Z', workingSetBytes: 4096, rssBytes: 4096 },
    });
    expect(addUsage([one, one], start + 2000).cpu.usageNanoCores, 'two such containers').toBe(1e9);
  });

  test.skipIf(!existsSync('/proc/self/stat'))(
    'readProcess reads a real process from /proc',
    async () => {
      const reading = await readProcess(process.pid, start);
      expect(
        reading.memoryBytes,
        "this test's own resident memory, more than a megabyte",
      ).toBeGreaterThan(1 << 20);
      expect(reading.cpuNanoseconds, 'the CPU it has used so far').toBeGreaterThan(0);
    },
  );

  test('the summary lists each running container by pod, with the rate since the previous summary, and the node as their sum', async () => {
    const clock = new FakeClock(start);
    const runtime = new FakeRuntime({ clock });
    const sandbox = await runtime.runPodSandbox({
      metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 },
      labels: {},
    });
    const container = await runtime.createContainer(sandbox, {
      metadata: { name: 'app', attempt: 0 },
      image: 'kata/echo',
      labels: {},
    });
    await runtime.startContainer(container);
    let cpu = 0;
    const collector = new StatsCollector(runtime, 'node-1', clock, async (_pid, time) => ({
      time,
      cpuNanoseconds: cpu,
      memoryBytes: 8192,
    }));
    await collector.summary();
    clock.advance(10_000);
    cpu = 5e9;
    const summary = await collector.summary();
    expect(
      summary.pods.map((pod) => [pod.podRef.name, pod.containers.map((c) => c.name)]),
      'the pods and their containers',
    ).toEqual([['web', ['app']]]);
    expect(summary.pods[0]!.cpu.usageNanoCores, '5 s of CPU in 10 s').toBe(500_000_000);
    expect(summary.node, 'the node').toMatchObject({
      nodeName: 'node-1',
      memory: { workingSetBytes: 8192 },
    });
  });

  test('a container that can no longer be read has ended: it is left out, and its reading forgotten', async () => {
    const clock = new FakeClock(start);
    const runtime = new FakeRuntime({ clock });
    const sandbox = await runtime.runPodSandbox({
      metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 },
      labels: {},
    });
    const container = await runtime.createContainer(sandbox, {
      metadata: { name: 'app', attempt: 0 },
      image: 'kata/echo',
      labels: {},
    });
    await runtime.startContainer(container);
    let gone = false;
    const collector = new StatsCollector(runtime, 'node-1', clock, async (pid, time) => {
      if (gone) throw new Error(`no process ${pid}`);
      return { time, cpuNanoseconds: 1e9, memoryBytes: 4096 };
    });
    await collector.summary();
    gone = true;
    const summary = await collector.summary();
    expect(summary.pods[0]!.containers, 'the containers of web once its process is gone').toEqual(
      [],
    );
    expect(summary.node.memory.workingSetBytes, 'the node without it').toBe(0);
  });

  test('a process whose CPU time went back (a new process under the same container) counts 0, never less', () => {
    const before: ProcessReading = { time: start, cpuNanoseconds: 9e9, memoryBytes: 0 };
    const after: ProcessReading = { time: start + 1000, cpuNanoseconds: 1e8, memoryBytes: 0 };
    expect(usageNanoCores(before, after), 'CPU time fell from 9 s to 0.1 s').toBe(0);
  });
});

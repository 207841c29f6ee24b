// Resource usage at the source: what the kubelet reads about each container's process and serves
// on 10250 as /stats/summary. Kubernetes' kubelet reads cgroups (through cAdvisor or the CRI);
// this course's containers are plain processes, so it reads Linux's /proc for each one:
//
//   /proc/<pid>/stat    one line; after the command in parentheses, field 14 is utime and 15
//                       stime: CPU time spent in user and kernel mode, in clock ticks (100 a second)
//   /proc/<pid>/statm   sizes in pages; the second is the resident set: memory in RAM now
//
// CPU time only grows. A rate (cores in use) needs two readings: usageNanoCores is the CPU time
// between them over the wall time between them. The summary carries both, the cumulative
// usageCoreNanoSeconds and the rate, as the kubelet's does.
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../../harness/clock.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';

/** Clock ticks a second (getconf CLK_TCK): 100 on Linux. */
export const ticksPerSecond = 100;
/** The size of a memory page: 4096 bytes on Linux. */
export const pageSize = 4096;

/** One reading of a process: CPU time so far and memory now, at `time` (ms since the epoch). */
export interface ProcessReading {
  time: number;
  cpuNanoseconds: number;
  memoryBytes: number;
}

/** CPU time (user + kernel) in nanoseconds from the text of /proc/<pid>/stat. */
export function cpuFromStat(text: string): number {
  // The command may hold spaces and parentheses: the fields start after its last ')'.
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  // Fields are numbered from 1 with pid and (command) first: utime is 14, the 12th after ')'.
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`cannot read utime and stime from /proc stat: "${text.slice(0, 80)}"`);
  }
  return ((utime + stime) * 1e9) / ticksPerSecond;
}

/** Resident memory in bytes from the text of /proc/<pid>/statm. */
export function memoryFromStatm(text: string): number {
  const resident = Number(text.trim().split(/\s+/)[1]);
  if (!Number.isFinite(resident))
    throw new Error(`cannot read the resident size from statm: "${text}"`);
  return resident * pageSize;
}

/** Reads process `pid` under `proc` (/proc), at `time`. */
export async function readProcess(
  pid: number,
  time: number,
  proc = '/proc',
): Promise<ProcessReading> {
  const [stat, statm] = await Promise.all([
    readFile(`${proc}/${pid}/stat`, 'utf8'),
    readFile(`${proc}/${pid}/statm`, 'utf8'),
  ]);
  return { time, cpuNanoseconds: cpuFromStat(stat), memoryBytes: memoryFromStatm(statm) };
}

/** Cores in use between two readings of the same process, in nanocores; 0 without an earlier one. */
export function usageNanoCores(
  previous: ProcessReading | undefined,
  current: ProcessReading,
): number {
  if (!previous || current.time <= previous.time) return 0;
  const cpu = Math.max(0, current.cpuNanoseconds - previous.cpuNanoseconds);
  return Math.round((cpu / ((current.time - previous.time) * 1e6)) * 1e9);
}

/** CPU and memory as the summary API writes them. */
export interface UsageStats {
  cpu: { time: string; usageNanoCores: number; usageCoreNanoSeconds: number };
  memory: { time: string; workingSetBytes: number; rssBytes: number };
}

/** A container of the summary: its name, when it started, its usage. */
export interface ContainerStats extends UsageStats {
  name: string;
  startTime: string;
}

export interface PodStats extends UsageStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStats[];
}

/** GET /stats/summary: the node and each of its pods. */
export interface Summary {
  node: UsageStats & { nodeName: string; startTime: string };
  pods: PodStats[];
}

/** The usage stats of a reading, with the rate since the previous one. */
export function usageStats(
  previous: ProcessReading | undefined,
  current: ProcessReading,
): UsageStats {
  const time = new Date(current.time).toISOString();
  return {
    cpu: {
      time,
      usageNanoCores: usageNanoCores(previous, current),
      usageCoreNanoSeconds: Math.round(current.cpuNanoseconds),
    },
    memory: { time, workingSetBytes: current.memoryBytes, rssBytes: current.memoryBytes },
  };
}

/** The sum of several usages (a pod's containers, a node's pods), at the latest of their times. */
export function addUsage(parts: UsageStats[], time: number): UsageStats {
  const at = new Date(time).toISOString();
  const sum = (pick: (stats: UsageStats) => number) =>
    parts.reduce((total, p) => total + pick(p), 0);
  return {
    cpu: {
      time: at,
      usageNanoCores: sum((p) => p.cpu.usageNanoCores),
      usageCoreNanoSeconds: sum((p) => p.cpu.usageCoreNanoSeconds),
    },
    memory: {
      time: at,
      workingSetBytes: sum((p) => p.memory.workingSetBytes),
      rssBytes: sum((p) => p.memory.rssBytes),
    },
  };
}

/** Reads one process at a time; /proc by default, a fake in tests. */
export type ProcessReader = (pid: number, time: number) => Promise<ProcessReading>;

/**
 * The kubelet's side: a summary of every running container of the runtime, by pod, with the node
 * as the sum of its pods. It remembers each container's last reading, so each summary's rate is
 * over the time since the one before.
 */
export class StatsCollector {
  private readonly previous = new Map<string, ProcessReading>();

  private readonly runtime: ContainerRuntime;
  private readonly nodeName: string;
  private readonly clock: Clock;
  private readonly read: ProcessReader;

  constructor(
    runtime: ContainerRuntime,
    nodeName: string,
    clock: Clock = systemClock,
    read: ProcessReader = (pid, time) => readProcess(pid, time),
  ) {
    this.runtime = runtime;
    this.nodeName = nodeName;
    this.clock = clock;
    this.read = read;
  }

  async summary(): Promise<Summary> {
    const now = this.clock.now();
    const sandboxes = await this.runtime.listPodSandbox({ state: 'SANDBOX_READY' });
    const containers = await this.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    const pods: PodStats[] = [];
    const seen = new Set<string>();
    for (const sandbox of sandboxes) {
      const own = containers.filter((container) => container.podSandboxId === sandbox.id);
      const stats: ContainerStats[] = [];
      for (const container of own) {
        const reading = await this.read(container.pid, now).catch(() => undefined);
        if (!reading) continue; // it ended between the listing and the reading
        seen.add(container.id);
        stats.push({
          name: container.metadata.name,
          startTime: new Date(container.startedAt).toISOString(),
          ...usageStats(this.previous.get(container.id), reading),
        });
        this.previous.set(container.id, reading);
      }
      const { name, namespace, uid } = sandbox.metadata;
      const startTime = new Date(sandbox.createdAt).toISOString();
      pods.push({
        podRef: { name, namespace, uid },
        startTime,
        containers: stats,
        ...addUsage(stats, now),
      });
    }
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    const node = addUsage(pods, now);
    return {
      node: { nodeName: this.nodeName, startTime: new Date(now).toISOString(), ...node },
      pods,
    };
  }
}

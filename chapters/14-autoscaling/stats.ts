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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Resource usage';

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

/**
 * CPU time (user + kernel) in nanoseconds from the text of /proc/<pid>/stat: the fields after the
 * command's last ')', utime and stime the 12th and 13th of them, in ticks. Throws "cannot read
 * utime and stime from /proc stat: ..." when they are not numbers.
 */
export function cpuFromStat(text: string): number {
  throw new NotImplemented('cpuFromStat', section);
}

/** Resident memory in bytes from the text of /proc/<pid>/statm. */
export function memoryFromStatm(text: string): number {
  throw new NotImplemented('memoryFromStatm', section);
}

/** Reads process `pid` under `proc` (/proc), at `time`. */
export async function readProcess(
  pid: number,
  time: number,
  proc = '/proc',
): Promise<ProcessReading> {
  throw new NotImplemented('readProcess', section);
}

/** Cores in use between two readings of the same process, in nanocores; 0 without an earlier one. */
export function usageNanoCores(
  previous: ProcessReading | undefined,
  current: ProcessReading,
): number {
  throw new NotImplemented('usageNanoCores', section);
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
  throw new NotImplemented('usageStats', section);
}

/** The sum of several usages (a pod's containers, a node's pods), at the latest of their times. */
export function addUsage(parts: UsageStats[], time: number): UsageStats {
  throw new NotImplemented('addUsage', section);
}

/** Reads one process at a time; /proc by default, a fake in tests. */
export type ProcessReader = (pid: number, time: number) => Promise<ProcessReading>;

/**
 * The kubelet's side: a summary of every running container of the runtime, by pod, with the node
 * as the sum of its pods. It remembers each container's last reading, so each summary's rate is
 * over the time since the one before.
 */
export class StatsCollector {
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

  /**
   * The summary now: every SANDBOX_READY sandbox as a pod (podRef from its metadata, startTime its
   * createdAt), each of its CONTAINER_RUNNING containers read by pid (one that cannot be read has
   * ended: leave it out) with usageStats against its previous reading, the pod as addUsage of its
   * containers, the node (nodeName) as addUsage of the pods. Remember each reading by container id
   * for the next summary, and forget containers no longer seen.
   */
  async summary(): Promise<Summary> {
    throw new NotImplemented('StatsCollector.summary', section);
  }
}

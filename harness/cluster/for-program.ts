// A reference cluster owned by one program (a benchmark): started in a fresh temporary data
// directory, and stopped with that directory removed however the program ends, on its normal way
// out, an error or a signal (harness/lifetime.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endsWithProgram } from '../lifetime.ts';
import { startCluster, type ClusterOptions, type RunningCluster } from './start.ts';

export interface ProgramCluster {
  cluster: RunningCluster;
  /** Stops the cluster and removes its data directory; call it on the normal way out. */
  end(): Promise<void>;
}

/** Starts a cluster in a new `<tmp>/<prefix>XXXXXX` data directory that ends with the program. */
export async function startProgramCluster(
  prefix: string,
  options: Omit<ClusterOptions, 'dataDir' | 'fresh' | 'signal'>,
): Promise<ProgramCluster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const stopping = new AbortController();
  const starting = startCluster({ ...options, dataDir, fresh: true, signal: stopping.signal });
  const end = endsWithProgram(async () => {
    stopping.abort();
    await starting.then(
      (running) => running.stopped,
      () => {},
    );
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { cluster: await starting, end };
}

// `kata components`, `kata kill NAME` and `kata restart NAME`: questions to the control endpoint of
// the cluster running from a data directory (harness/cluster/control.ts), for failure drills.
import path from 'node:path';
import { defaultDataDir } from '../../cluster/options.ts';
import { processAlive, readClusterState } from '../../cluster/state.ts';
import { KataError } from '../output.ts';

type Flags = Record<string, string | boolean | undefined>;

/** The control endpoint of the cluster running from a data directory, or a one-line error. */
function controlOf(flags: Flags): string {
  const dataDir = path.resolve(
    typeof flags['data-dir'] === 'string' ? flags['data-dir'] : defaultDataDir,
  );
  const state = readClusterState(dataDir);
  if (!state)
    throw new KataError(
      `no cluster runs from ${path.relative(process.cwd(), dataDir) || '.'}; start one with \`npm start\``,
    );
  if (!processAlive(state.pid))
    throw new KataError(
      `the cluster of ${path.relative(process.cwd(), dataDir)} is not running (process ${state.pid} is gone); start it with \`npm start\``,
    );
  return state.control;
}

/** One question to a control endpoint; its JSON answer, or a one-line KataError. */
export async function ask(url: string, method: 'GET' | 'POST'): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (error) {
    throw new KataError(
      `cannot reach the cluster's control endpoint ${url}: ${(error as Error).message}`,
    );
  }
  const body = (await response.json()) as { message?: string };
  if (!response.ok) throw new KataError(body.message ?? `HTTP ${response.status}`);
  return body;
}

/** `kata components`: each process of the running cluster. */
export async function listComponents(flags: Flags): Promise<number> {
  const rows = (await ask(`${controlOf(flags)}/components`, 'GET')) as {
    name: string;
    pid?: number;
    state: string;
    restarts: number;
    chapters: string[];
  }[];
  const table = [
    ['COMPONENT', 'STATE', 'PID', 'RESTARTS', 'CHAPTERS'],
    ...rows.map((row) => [
      row.name,
      row.state,
      String(row.pid ?? '-'),
      String(row.restarts),
      row.chapters.join(', '),
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('   ')
        .trimEnd(),
    );
  return 0;
}

/** `kata kill NAME` and `kata restart NAME`. */
export async function controlComponent(
  verb: 'kill' | 'restart',
  name: string,
  flags: Flags,
  print: (line: string) => void = console.log,
): Promise<number> {
  const url = `${controlOf(flags)}/${verb}/${encodeURIComponent(name)}`;
  const { message } = (await ask(url, 'POST')) as { message: string };
  print(message);
  return 0;
}

// The facts of this machine that `kata doctor` judges (checks.ts): the Node.js running, what npm
// installed, which addresses and ports can be listened on, which programs are on PATH. Each fact
// is looked up the way the course will meet it: a port by listening on it, an address by binding
// it, kubectl by running it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Service } from '../../api/types.ts';
import { loadReference } from '../../components/implementation.ts';
import { canBind, type PlannedAddress } from '../../network.ts';
import { repoRoot } from '../../paths.ts';
import type { InstallFacts, KubectlFacts, PortGroup, PortState } from './checks.ts';
import type { ExampleNodePort, PlannedPorts } from './plan.ts';

/** What the doctor reads of a package.json (the repository's, or an installed package's). */
interface PackageManifest {
  version?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What it reads of package-lock.json: each installed package's locked version. */
interface Lockfile {
  packages?: Record<string, { version?: string }>;
}

/** A JSON file's content, or undefined when it is missing or unreadable. */
function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** package.json's engines.node. */
export function enginesNode(root = repoRoot): string | undefined {
  return readJson<PackageManifest>(path.join(root, 'package.json'))?.engines?.node;
}

/** The direct dependencies, their locked versions and what node_modules holds of them. */
export function installFacts(root = repoRoot): InstallFacts {
  const manifest = readJson<PackageManifest>(path.join(root, 'package.json')) ?? {};
  const lock = readJson<Lockfile>(path.join(root, 'package-lock.json'));
  const wanted: Record<string, string> = {
    ...manifest.dependencies,
    ...manifest.devDependencies,
  };
  const locked: InstallFacts['locked'] = {};
  const installed: InstallFacts['installed'] = {};
  for (const name of Object.keys(wanted)) {
    locked[name] = lock?.packages?.[`node_modules/${name}`]?.version;
    installed[name] = readJson<PackageManifest>(
      path.join(root, 'node_modules', name, 'package.json'),
    )?.version;
  }
  return { wanted, locked, installed };
}

/** The NodePorts the examples' Services ask for, each with the files that ask for it. */
export function exampleNodePorts(folder = path.join(repoRoot, 'harness', 'examples')) {
  const byPort = new Map<number, string[]>();
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)) : [];
  for (const file of files.sort()) {
    const shownPath = path.relative(repoRoot, path.join(folder, file)).split(path.sep).join('/');
    for (const document of parseAllDocuments(readFileSync(path.join(folder, file), 'utf8'))) {
      const object = document.toJS() as Partial<Service> | null;
      if (object?.kind !== 'Service') continue;
      for (const port of object.spec?.ports ?? []) {
        if (typeof port.nodePort !== 'number') continue;
        const seen = byPort.get(port.nodePort) ?? [];
        if (!seen.includes(shownPath)) seen.push(shownPath);
        byPort.set(port.nodePort, seen);
      }
    }
  }
  return [...byPort]
    .sort(([a], [b]) => a - b)
    .map(([port, files]): ExampleNodePort => ({ port, files }));
}

/**
 * Whether a program could listen on host:port now: free, busy (EADDRINUSE, or a port this user
 * may not open), or unbindable (the address is not this machine's: macOS without the alias).
 */
export function portState(host: string, port: number): Promise<PortState> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRNOTAVAIL' ? 'unbindable' : 'busy'),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Each planned group of ports, with what this machine says of each port. */
export async function lookAtPorts(groups: PlannedPorts[]): Promise<PortGroup[]> {
  const looked: PortGroup[] = [];
  for (const group of groups) {
    const ports = [];
    for (const { host, port } of group.ports)
      ports.push({ host, port, state: await portState(host, port) });
    looked.push({ ...group, ports });
  }
  return looked;
}

/** The planned addresses this machine refuses to listen on. */
export async function unbindableAddresses(planned: PlannedAddress[]): Promise<PlannedAddress[]> {
  const bindable = await Promise.all(planned.map((address) => canBind(address.ip)));
  return planned.filter((_, i) => !bindable[i]);
}

/** What a program prints when it runs and exits 0, else undefined (not on PATH, or broken). */
function run(program: string, args: string[]): string | undefined {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0 ? result.stdout : undefined;
}

/** kubectl's client version and the version our API server reports at /version. */
export async function kubectlFacts(): Promise<KubectlFacts> {
  const output = run('kubectl', ['version', '--client', '-o', 'json']);
  let client: string | undefined;
  try {
    const version = output
      ? (JSON.parse(output) as { clientVersion?: { gitVersion?: string } })
      : undefined;
    client = version?.clientVersion?.gitVersion;
  } catch {
    client = undefined;
  }
  const { createDiscovery } = await loadReference('03b', 'discovery.ts');
  const answer = createDiscovery()('/version', { resources: [], serverAddress: '127.0.0.1' });
  const { major, minor } = answer?.body as { major: string; minor: string };
  return { client, serverMajor: major, serverMinor: minor };
}

/** An optional program's version ("3.4.30"), undefined when it is not on PATH. */
export function programVersion(program: string, pattern: RegExp): string | undefined {
  const output = run(program, ['--version']);
  return output === undefined ? undefined : (pattern.exec(output)?.[1] ?? 'found');
}

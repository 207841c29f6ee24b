// What `kata doctor` concludes from the facts of a machine: one line per check, ✓ when the course
// and a cluster will work as they are, ✗ with what to do when not, and · for what is only worth
// knowing (an optional program, a port `npm start` does not need). Every function here is pure,
// so the tests give it the facts of a Mac, a busy port or an old kubectl without having one; the
// facts themselves are gathered in machine.ts.
import {
  aliasServiceCidr,
  defaultServiceCidr,
  loopbackAliasCommand,
  type NetworkChoice,
  type PlannedAddress,
} from '../../network.ts';
import { plural, symbols, type Paint } from '../output.ts';

/** ✓ (works), ✗ (will not work until fixed) or · (worth knowing, never a failure). */
export type Verdict = 'ok' | 'fail' | 'info';

export interface CheckLine {
  verdict: Verdict;
  /** One line: what was checked and what was found, then, for ✗, the fix in words. */
  text: string;
}

const ok = (text: string): CheckLine => ({ verdict: 'ok', text });
const fail = (text: string): CheckLine => ({ verdict: 'fail', text });
const info = (text: string): CheckLine => ({ verdict: 'info', text });

// --- Node.js ------------------------------------------------------------------------------------

/** "v20.19.1" or "20.19" as [major, minor, patch]; undefined for anything else. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Whether version a is at least version b. */
function atLeast(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** The running Node.js against package.json's engines.node (">=20.19", the one form it uses). */
export function checkNode(running: string, engines: string | undefined): CheckLine {
  const least = engines && /^\s*>=\s*(\S+)\s*$/.exec(engines)?.[1];
  const wanted = least ? parseVersion(least) : undefined;
  const version = parseVersion(running);
  if (!wanted || !version)
    return fail(`Node.js ${running}: package.json's engines.node "${engines}" cannot be read`);
  if (atLeast(version, wanted)) return ok(`Node.js ${running} (the course needs ${engines})`);
  return fail(
    `Node.js ${running} is too old: the course needs ${engines}; install Node.js ${least} or newer (nodejs.org, or nvm install 22)`,
  );
}

// --- npm install --------------------------------------------------------------------------------

export interface InstallFacts {
  /** package.json's dependencies and devDependencies: name → range. */
  wanted: Record<string, string>;
  /** package-lock.json's version of each (undefined without a lockfile entry). */
  locked: Record<string, string | undefined>;
  /** The version in node_modules/<name>/package.json, undefined when it is not there. */
  installed: Record<string, string | undefined>;
}

/** `npm install` done: every direct dependency present, at the version the lockfile records. */
export function checkInstall(facts: InstallFacts): CheckLine {
  const names = Object.keys(facts.wanted).sort();
  const missing = names.filter((name) => facts.installed[name] === undefined);
  const stale = names.filter((name) => {
    const locked = facts.locked[name];
    const installed = facts.installed[name];
    return installed !== undefined && locked !== undefined && installed !== locked;
  });
  if (missing.length === 0 && stale.length === 0)
    return ok(
      `npm install: all ${names.length} dependencies present, as package-lock.json has them`,
    );
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(
      `${plural(missing.length, 'dependency', 'dependencies')} missing (${missing.join(', ')})`,
    );
  for (const name of stale)
    problems.push(`${name} ${facts.installed[name]} installed, ${facts.locked[name]} locked`);
  return fail(`npm install: ${problems.join('; ')}; run \`npm install\` in the repository`);
}

// --- Loopback addresses -------------------------------------------------------------------------

export interface NetworkFacts {
  platform: NodeJS.Platform;
  network: NetworkChoice;
  /** Every address the course and the cluster use (network.ts's loopbackPlan). */
  planned: PlannedAddress[];
  /** The planned addresses this machine refused to listen on. */
  unbindable: PlannedAddress[];
  /** The flags that made the plan (" --nodes 5"), repeated in the commands the line gives. */
  planFlags?: string;
}

/** "127.20.0.1, 127.20.0.2, 127.20.0.3 and 290 more". */
function someAddresses(addresses: PlannedAddress[], shown = 3): string {
  const named = addresses.slice(0, shown).map((address) => address.ip);
  const rest = addresses.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}

/** What the single-address mode changes, in the words of its ✓ line. */
export const singleModeNote =
  "nodes, pods and Services share 127.0.0.1, each pod's ports are mapped to free ones, and chapter tests that need per-pod IPs skip, saying why";

/**
 * The network line. An address the machine refuses is a ✗ even though `npm start` would carry on
 * in the single-address mode: chapter tests that need per-pod IPs would skip instead of checking
 * the learner's code, so the course would not fully work. Choosing that mode (--network single)
 * accepts it, and is a ✓.
 */
export function checkNetwork(facts: NetworkFacts): CheckLine {
  if (facts.network === 'single')
    return ok(`network: the single-address mode (--network single): ${singleModeNote}`);
  const total = facts.planned.length;
  const range = facts.platform === 'darwin' ? aliasServiceCidr : defaultServiceCidr;
  if (facts.unbindable.length === 0)
    return ok(
      `loopback: all ${total} addresses of the course and the cluster can be bound (nodes 127.20.0.x, pods 127.244.x.x, Services ${range})`,
    );
  const missing = facts.unbindable;
  const what = `loopback: ${missing.length} of ${total} addresses cannot be bound (${someAddresses(missing)})`;
  const partly =
    missing.length < total
      ? '; with only some of them, a pod or Service given a missing address cannot listen'
      : '';
  const fallback =
    facts.network === 'loopback'
      ? 'without them `npm start -- --network loopback` cannot start'
      : 'without them `npm start` falls back to the single-address mode and the chapter tests that need per-pod IPs skip (`npx kata doctor --network single` checks that mode)';
  const flags = facts.planFlags ?? '';
  if (facts.platform === 'darwin')
    return fail(
      `${what}: run \`sudo npx kata doctor --fix${flags}\` to add every alias (by hand, one each: \`${loopbackAliasCommand(missing[0]!.ip)}\`, ...; \`npx kata network setup --dry-run${flags}\` lists them all); ${fallback}${partly}`,
    );
  return fail(
    `${what}: this system does not route 127.0.0.0/8 to loopback as Linux does; ${fallback}${partly}`,
  );
}

// --- Ports --------------------------------------------------------------------------------------

/** free: nothing listens; busy: something does; unbindable: the address itself is refused. */
export type PortState = 'free' | 'busy' | 'unbindable';

/** One port the cluster will listen on, on one address, and what it is for. */
export interface PortFact {
  host: string;
  port: number;
  state: PortState;
}

/** A group of ports with one purpose: the API server's, the kubelets', a NodePort. */
export interface PortGroup {
  /** "the API server", "the kubelets", "NodePort 30080 (harness/examples/hello.yaml)". */
  what: string;
  ports: PortFact[];
  /** How a busy port is moved: "`npm start -- --apiserver-port <port>`". */
  move: string;
  /** A port `npm start` does not need (it picks free ones itself): busy is a ·, not a ✗. */
  optional?: boolean;
}

/** "127.0.0.1:6443". */
const where = (port: PortFact) => `${port.host}:${port.port}`;

/** One line per group of ports: ✓ when all are free, ✗ naming the busy ones and the flag. */
export function checkPorts(group: PortGroup): CheckLine {
  const busy = group.ports.filter((port) => port.state === 'busy');
  const refused = group.ports.filter((port) => port.state === 'unbindable');
  const all = group.ports.map(where).join(', ');
  if (busy.length > 0) {
    const text = `${group.what}: ${busy.map(where).join(', ')} ${busy.length === 1 ? 'is' : 'are'} in use; stop what listens there, or ${group.move}`;
    return group.optional ? info(text) : fail(text);
  }
  if (refused.length > 0)
    return info(
      `${group.what}: ${refused.map(where).join(', ')} not checked, the address cannot be bound yet (see the loopback line)`,
    );
  return ok(`${group.what}: ${all} free`);
}

// --- kubectl ------------------------------------------------------------------------------------

export interface KubectlFacts {
  /** `kubectl version --client`'s gitVersion ("v1.32.4"), undefined when kubectl is not on PATH. */
  client?: string;
  /** The minor version our API server reports at /version ("32"). */
  serverMajor: string;
  serverMinor: string;
}

/** kubectl present, and within one minor version of the API server (kubectl's skew policy). */
export function checkKubectl(facts: KubectlFacts): CheckLine {
  const server = `${facts.serverMajor}.${parseInt(facts.serverMinor, 10)}`;
  const minor = parseInt(facts.serverMinor, 10);
  const supported = `${facts.serverMajor}.${minor - 1}, ${server} or ${facts.serverMajor}.${minor + 1}`;
  if (!facts.client)
    return fail(
      `kubectl: not on PATH; install kubectl ${supported} (kubernetes.io/docs/tasks/tools), as the lessons and the cluster demos use it`,
    );
  const version = parseVersion(facts.client);
  if (version && String(version[0]) === facts.serverMajor && Math.abs(version[1] - minor) <= 1)
    return ok(`kubectl ${facts.client}, within one minor version of the API server's ${server}`);
  return fail(
    `kubectl ${facts.client}: the API server speaks ${server}, and kubectl supports one minor version either side; install kubectl ${supported}`,
  );
}

// --- Optional programs --------------------------------------------------------------------------

/** A program the course can do without: a · line either way. */
export function checkOptional(
  name: string,
  version: string | undefined,
  purpose: string,
): CheckLine {
  return info(
    version
      ? `${name} ${version} (optional: ${purpose})`
      : `${name}: not found (optional: ${purpose})`,
  );
}

// --- WSL ----------------------------------------------------------------------------------------

/**
 * On WSL, a repository on a Windows drive (/mnt/c/...) gets no file events and starts processes
 * slowly: worth a · line, since everything still works with `kata watch --poll`. Nothing elsewhere.
 */
export function checkWsl(kernelRelease: string, repository: string): CheckLine | undefined {
  if (!/microsoft/i.test(kernelRelease)) return undefined;
  if (!/^\/mnt\/[a-z]\//.test(repository))
    return info(`WSL: the repository is on the Linux file system (${repository})`);
  return info(
    `WSL: the repository is on a Windows drive (${repository}): saves are not noticed and processes start slowly; use \`npx kata watch --poll\`, or clone it under ~ instead`,
  );
}

// --- The report ---------------------------------------------------------------------------------

/** 0 when no line is a ✗: the course and the cluster will work. */
export function doctorExitCode(lines: CheckLine[]): number {
  return lines.some((line) => line.verdict === 'fail') ? 1 : 0;
}

const symbolOf: Record<Verdict, string> = {
  ok: symbols.pass,
  fail: symbols.fail,
  info: symbols.rest,
};

/** A line as the terminal shows it: its symbol, coloured when colour is on. */
export function formatLine(line: CheckLine, colour: Paint): string {
  const symbol = symbolOf[line.verdict];
  const painted =
    line.verdict === 'ok'
      ? colour.green(symbol)
      : line.verdict === 'fail'
        ? colour.red(symbol)
        : colour.dim(symbol);
  return `${painted} ${line.text}`;
}

/** The last line: whether the machine is ready, and what ✗ and · mean. */
export function summary(lines: CheckLine[]): string {
  const failures = lines.filter((line) => line.verdict === 'fail').length;
  if (failures === 0) return 'Ready: the course and a cluster will work on this machine.';
  return `Not ready: ${plural(failures, 'check')} failed (✗); each says what to do. Lines with · are only for your information.`;
}

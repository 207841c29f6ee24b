// Process supervision: each component of the cluster is a `kata run` program (harness/components/
// <kind>.ts) in its own process. Every line it prints comes out with its name in front, and goes
// to its log file under the data directory; its last lines are kept for the one-line reason when
// it fails to start. A component that exits while the cluster runs is reported to whoever
// supervises (onUnexpectedExit); stopping it is SIGTERM, then SIGKILL if it lingers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Use } from '../components/implementation.ts';
import type { Paint } from '../kata/output.ts';
import { repoRoot } from '../paths.ts';
import type { ComponentPlan } from './arguments.ts';
import { chaptersRun, ClusterError, type ComponentKind } from './options.ts';

/** One process of the cluster, as `kata components` lists it. */
export interface Component extends ComponentPlan {
  child?: ChildProcess;
  /** Resolves when the current process has exited. */
  exited: Promise<void>;
  state: 'starting' | 'running' | 'exited' | 'killed';
  restarts: number;
  /** Its last lines, for the one-line reason when it fails to start. */
  tail: string[];
  /** Whose code it runs when not the cluster's choice for its kind (`kata upgrade kubelet`). */
  use?: Use;
  /** When its current process was started (ISO 8601). */
  startedAt?: string;
}

export interface SupervisorOptions {
  logDir: string;
  use: Record<ComponentKind, Use>;
  print: (line: string) => void;
  paint?: Paint;
}

/** Terminal colours for the component names, one each in turn. */
const tints = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];

/** How long a component has to stop after SIGTERM before it is killed. */
const stopGraceMs = 10_000;

/** The module that counts a component's requests and traces them with --trace-file (harness/trace/). */
const tracePreload = path.join(repoRoot, 'harness', 'trace', 'preload.ts');

export class Supervisor {
  readonly components: Component[] = [];
  /** Set once the cluster stops: exits are then expected. */
  stopping = false;
  /** Called when a component exits on its own (not killed, not while the cluster stops). */
  onUnexpectedExit: (component: Component) => void = () => {};

  private readonly options: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.options = options;
  }

  add(plan: ComponentPlan): Component {
    const component: Component = {
      ...plan,
      exited: Promise.resolve(),
      state: 'starting',
      restarts: 0,
      tail: [],
    };
    this.components.push(component);
    return component;
  }

  logFile(component: Component): string {
    return path.join(this.options.logDir, `${component.name}.log`);
  }

  /** Whose code a component runs: its own choice if it was upgraded, else its kind's. */
  useOf(component: Component): Use {
    return component.use ?? this.options.use[component.kind];
  }

  /** Starts a component's process with its arguments and the code `use` says it runs. */
  launch(component: Component): void {
    const file = path.join(repoRoot, 'harness', 'components', `${component.kind}.ts`);
    const use = this.useOf(component);
    // harness/trace/preload.ts counts its API requests and, with --trace-file, traces them.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', tracePreload, file, ...component.args, '--use', use],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    component.child = child;
    component.state = 'starting';
    component.startedAt = new Date().toISOString();
    component.tail = [];
    component.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const log = createWriteStream(this.logFile(component), { flags: 'a' });
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          log.write(`${line}\n`);
          component.tail = [...component.tail.slice(-19), line];
          this.options.print(this.prefix(component) + line);
        }
      });
    }
    child.once('exit', (code, signal) => {
      log.end();
      if (component.state !== 'killed') component.state = 'exited';
      if (!this.stopping && component.state === 'exited') {
        const red = this.options.paint?.red ?? ((text: string) => text);
        this.options.print(this.prefix(component) + red(`exited (${signal ?? `code ${code}`})`));
        this.onUnexpectedExit(component);
      }
    });
  }

  /** The component's name, padded to the longest and tinted, before each of its lines. */
  private prefix(component: Component): string {
    const width = Math.max(...this.components.map((candidate) => candidate.name.length));
    const name = component.name.padEnd(width);
    if (!this.options.paint) return `${name} │ `;
    const tint = tints[this.components.indexOf(component) % tints.length]!;
    return `\u001b[${tint}m${name}\u001b[39m │ `;
  }

  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  terminate(component: Component): Promise<void> {
    const child = component.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    child.kill('SIGTERM');
    return component.exited.then(() => clearTimeout(timer));
  }

  /** SIGKILL at once, for failure drills: the component is not started again. */
  kill(component: Component): void {
    component.state = 'killed';
    component.child?.kill('SIGKILL');
  }

  /** The one line that says why a component did not start, and what to do about it. */
  startFailure(component: Component, what: string): ClusterError {
    const reason =
      [...component.tail]
        .reverse()
        .find((line) => /error|cannot|not implemented|failed/i.test(line)) ??
      component.tail.at(-1) ??
      'no output';
    const yours = chaptersRun(component.kind, this.useOf(component))
      .filter((chapter) => chapter.yours)
      .map((chapter) => chapter.id);
    // A package that cannot be found is a missing install, whoever's code it is.
    const fix = /Cannot find package/.test(reason)
      ? '; the dependencies are not installed: run npm install'
      : yours.length > 0
        ? `; it runs your chapter ${yours.join(' and ')}: fix it (npx kata test ${yours[0]}) or run the reference with --use-${component.kind} solutions`
        : '';
    const log = path.relative(process.cwd(), this.logFile(component));
    return new ClusterError(`${component.name} ${what}: ${reason.trim()}${fix} (log: ${log})`);
  }
}

// The `kata` command line: which verbs exist, what each takes, and how a line of arguments becomes
// one request. Mistakes become a UsageError whose one line names the valid choices (exit code 2).
import { parseArgs } from 'node:util';
import { course, findChapter, folderOf, type Chapter } from '../course.ts';
import { UsageError } from './output.ts';

type Flag = { type: 'boolean' | 'string'; short?: string; description: string };

interface Verb {
  usage: string;
  summary: string;
  flags: Record<string, Flag>;
  /** What the positional argument is, if the verb takes one. */
  positional?: 'chapter' | 'chapters' | 'component' | 'bench' | 'pod' | 'rollout' | 'object';
  /** A required positional: `kata reset` must be told which chapter. */
  required?: boolean;
  /** The chapter may name one of its stages too: `kata test 01.3`. */
  stages?: boolean | 'required';
  /** Everything after the positional goes to the program untouched (`kata run store --data-dir`). */
  passThrough?: boolean;
}

const verbose: Flag = { type: 'boolean', description: 'print stack traces of unexpected errors' };

// Flags several cluster verbs share.
const serverFlag: Flag = {
  type: 'string',
  description: 'the API server (default: .kata/kubeconfig, else http://127.0.0.1:6443)',
};
const namespaceFlag: Flag = { type: 'string', short: 'n', description: 'the namespace (default)' };
const dataDirFlag: Flag = {
  type: 'string',
  description: "the cluster's data directory (default .kata/cluster)",
};

export const verbs: Record<string, Verb> = {
  status: {
    usage: 'kata [status]',
    summary: 'where you stand: every chapter, the current one, your next failing test and its hint',
    flags: {},
  },
  test: {
    usage: 'kata test [NN[.S]] [--solutions]',
    summary:
      "run a chapter's tests, or one stage's (01.3), on your code (default: the current chapter) and record progress",
    flags: {
      solutions: { type: 'boolean', description: 'run the same tests on the reference instead' },
    },
    positional: 'chapter',
    stages: true,
  },
  watch: {
    usage: 'kata watch [NN[.S]] [--poll]',
    summary:
      "rerun a stage's tests every time you save a file in its chapter (default: the current stage)",
    flags: {
      poll: {
        type: 'boolean',
        description: 'poll for changes (WSL on a Windows drive, network mounts)',
      },
    },
    positional: 'chapter',
    stages: true,
  },
  stages: {
    usage: 'kata stages [NN...]',
    summary:
      "a chapter's stages (default: every chapter): tests, reference logic lines and minutes each",
    flags: {},
    positional: 'chapters',
  },
  goto: {
    usage: 'kata goto NN[.S]',
    summary:
      'set where you are in the course: a chapter, or one of its stages (a workshop moves on)',
    flags: {},
    positional: 'chapter',
    required: true,
    stages: true,
  },
  'catch-up': {
    usage: 'kata catch-up NN.S',
    summary:
      "back up your chapter's files, then fill in the reference for every stage before S; your code for S on stays",
    flags: {},
    positional: 'chapter',
    required: true,
    stages: 'required',
  },
  hint: {
    usage: 'kata hint [NN]',
    summary: 'the hint and lesson section for your next failing test',
    flags: {},
    positional: 'chapter',
  },
  verify: {
    usage: 'kata verify',
    summary: 'run every chapter on your code, one summary table',
    flags: {},
  },
  reset: {
    usage: 'kata reset NN',
    summary: "back up your files of a chapter, then restore the chapter's stubs",
    flags: {},
    positional: 'chapter',
    required: true,
  },
  solution: {
    usage: 'kata solution NN [--yes]',
    summary: 'where the reference is, and a diff of your files against it',
    flags: {
      yes: { type: 'boolean', short: 'y', description: 'reveal without asking' },
    },
    positional: 'chapter',
    required: true,
  },
  run: {
    usage: 'kata run <component> [flags]',
    summary: 'start a finished component on its own (store, apiserver, ...)',
    flags: {},
    positional: 'component',
    required: true,
    passThrough: true,
  },
  bench: {
    usage: 'kata bench [name]',
    summary: 'run one benchmark from harness/bench/, or all of them',
    flags: {},
    positional: 'bench',
    passThrough: true,
  },
  check: {
    usage: 'kata check [NN...] [--only coverage]',
    summary:
      "the repository's own checks (npm test): types, format, every chapter, the harness; naming chapters checks only those",
    flags: {
      only: { type: 'string', description: 'run one step only: coverage' },
    },
    positional: 'chapters',
  },
  pristine: {
    usage: 'kata pristine [--update]',
    summary: 'compare chapters/ with the recorded stubs; --update records them (npm run pristine)',
    flags: {
      update: { type: 'boolean', description: 'record the working tree as the pristine stubs' },
    },
  },
  up: {
    usage:
      'kata up [--nodes 3] [--use auto|solutions|mine] [--use-<component> ...] [--data-dir DIR] [--fresh] [--etcd-servers URL]',
    summary: 'start a cluster of your finished components and the reference ones (npm start)',
    flags: {
      nodes: { type: 'string', description: 'how many nodes (a kubelet and a proxy each); 3' },
      use: {
        type: 'string',
        description: 'auto (yours where its chapter passes), solutions or mine',
      },
      'use-store': { type: 'string', description: 'the same, for the store alone' },
      'use-apiserver': { type: 'string', description: 'the same, for the API server alone' },
      'use-controller-manager': {
        type: 'string',
        description: 'the same, for the controller-manager',
      },
      'use-scheduler': { type: 'string', description: 'the same, for the scheduler alone' },
      'use-kubelet': { type: 'string', description: 'the same, for the kubelets' },
      'use-proxy': { type: 'string', description: 'the same, for the proxies' },
      'data-dir': dataDirFlag,
      fresh: {
        type: 'boolean',
        description: 'start from an empty store, forgetting the last cluster',
      },
      'etcd-servers': { type: 'string', description: 'run on this etcd instead of the kata store' },
      'store-port': { type: 'string', description: "the store's port; 2379" },
      'apiserver-port': { type: 'string', description: "the API server's port; 6443" },
      'kubelet-port': {
        type: 'string',
        description: "the kubelets' port on their node IPs; 10250",
      },
      'node-index-base': {
        type: 'string',
        description: 'start the nodes further along the address plan (a second cluster)',
      },
      'service-cluster-ip-range': {
        type: 'string',
        description: 'the ClusterIP range; 127.96.0.0/12',
      },
      'node-monitor-grace-period': {
        type: 'string',
        description: 'how long a silent node stays Ready; 50s',
      },
    },
  },
  components: {
    usage: 'kata components [--data-dir DIR]',
    summary: "the running cluster's processes: state, pid, restarts, whose code",
    flags: {
      'data-dir': dataDirFlag,
    },
  },
  kill: {
    usage: 'kata kill <component> [--data-dir DIR]',
    summary: 'kill a component of the running cluster (SIGKILL), for failure drills',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'component',
    required: true,
  },
  restart: {
    usage: 'kata restart <component> [--data-dir DIR]',
    summary: 'stop a component of the running cluster and start it again',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'component',
    required: true,
  },
  logs: {
    usage: 'kata logs POD [-c CONTAINER] [-n NAMESPACE] [-f] [--tail N] [--server URL]',
    summary: "a pod's container log, as kubectl logs prints it, from your cluster",
    flags: {
      container: {
        type: 'string',
        short: 'c',
        description: 'the container (when the pod has several)',
      },
      namespace: namespaceFlag,
      follow: { type: 'boolean', short: 'f', description: 'keep printing as the container writes' },
      tail: { type: 'string', description: 'only the last N lines' },
      server: serverFlag,
    },
    positional: 'pod',
    required: true,
  },
  get: {
    usage: 'kata get TYPE [NAME] [-o wide|yaml|json|name] [-l SELECTOR] [-A] [-n NAMESPACE] [-w]',
    summary: 'list objects of your cluster, as kubectl get prints them',
    flags: {
      output: { type: 'string', short: 'o', description: 'wide, yaml, json or name' },
      selector: { type: 'string', short: 'l', description: 'a label selector: app=hello' },
      'all-namespaces': { type: 'boolean', short: 'A', description: 'every namespace' },
      watch: { type: 'boolean', short: 'w', description: 'then print each change, until Ctrl-C' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  apply: {
    usage: 'kata apply -f FILE|DIR [-n NAMESPACE]',
    summary: 'create or update the objects of a manifest (several documents, or a folder of files)',
    flags: {
      filename: { type: 'string', short: 'f', description: 'a YAML or JSON manifest, or a folder' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
  },
  delete: {
    usage: 'kata delete TYPE NAME | -f FILE [-n NAMESPACE]',
    summary: 'delete objects (their dependents go too, through the garbage collector)',
    flags: {
      filename: { type: 'string', short: 'f', description: 'the objects of a manifest' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
  },
  describe: {
    usage: 'kata describe TYPE NAME [-n NAMESPACE]',
    summary: 'an object in detail, with the events about it',
    flags: {
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  scale: {
    usage: 'kata scale TYPE/NAME --replicas N [-n NAMESPACE]',
    summary: 'set the replicas of a Deployment or ReplicaSet',
    flags: {
      replicas: { type: 'string', description: 'the number of pods wanted' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  rollout: {
    usage:
      'kata rollout status|history|undo|pause|resume|restart deployment/NAME [-n NAMESPACE] [--to-revision N] [--revision N] [--server URL]',
    summary: "a Deployment's rollout on your cluster, as kubectl rollout does it",
    flags: {
      namespace: namespaceFlag,
      'to-revision': {
        type: 'string',
        description: 'undo: the revision to go back to (default: the previous one)',
      },
      revision: { type: 'string', description: 'history: show the pod template of this revision' },
      server: serverFlag,
    },
    positional: 'rollout',
    required: true,
  },
  kubeconfig: {
    usage: 'kata kubeconfig [--server URL]',
    summary: 'write .kata/kubeconfig, so kubectl and the components find your API server',
    flags: {
      server: { type: 'string', description: 'the API server (default http://127.0.0.1:6443)' },
    },
  },
  help: {
    usage: 'kata help [verb]',
    summary: 'this list, or the details of one verb',
    flags: {},
  },
};

export interface Request {
  verb: string;
  /** The chapters named on the line, resolved against the manifest. */
  chapters: Chapter[];
  /** The stage named with the chapter ("01.3" gives 3), for the verbs that take one. */
  stage?: number;
  /** The component or benchmark name, for `run` and `bench`. */
  name?: string;
  /** Arguments passed through untouched to a component or benchmark. */
  rest: string[];
  flags: Record<string, string | boolean | undefined>;
  help: boolean;
  verbose: boolean;
}

export function chapterChoices(): string {
  return course.map((chapter) => `${chapter.id} (${chapter.slug})`).join(', ');
}

export function resolveChapter(name: string): Chapter {
  const chapter = findChapter(name);
  if (!chapter)
    throw new UsageError(`unknown chapter "${name}"; choose one of ${chapterChoices()}`);
  return chapter;
}

/** "01.3": chapter 01 and its third stage; "01": chapter 01 alone. */
export function resolveStage(name: string): { chapter: Chapter; stage?: number } {
  const match = /^(.+)\.(\d+)$/.exec(name);
  if (!match) return { chapter: resolveChapter(name) };
  const chapter = resolveChapter(match[1]!);
  const stage = Number(match[2]);
  const count = chapter.stages.length;
  if (stage < 1 || stage > count) {
    throw new UsageError(
      `chapter ${chapter.id} has no stage ${stage}; its stages are ${chapter.id}.1 to ${chapter.id}.${count}`,
    );
  }
  return { chapter, stage };
}

export function parseCommandLine(argv: string[]): Request {
  // `kata --help` alone asks about kata, not about its default verb.
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) argv = ['help'];
  const verbName = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'status';
  const verb = verbs[verbName];
  if (!verb) {
    throw new UsageError(
      `unknown command "${verbName}"; choose one of ${Object.keys(verbs).join(', ')}`,
    );
  }
  const words = argv[0] === verbName ? argv.slice(1) : argv;

  // `kata run store --data-dir x`: the component's flags are its own business.
  let own = words;
  let rest: string[] = [];
  if (verb.passThrough) {
    const at = words.findIndex((word) => !word.startsWith('-'));
    if (at >= 0) {
      own = words.slice(0, at + 1);
      rest = words.slice(at + 1);
    }
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...verb.flags, verbose, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${oneLine((error as Error).message)}; usage: ${verb.usage}`);
  }
  const {
    help = false,
    verbose: wantsVerbose = false,
    ...flags
  } = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  const request: Request = {
    verb: verbName,
    chapters: [],
    rest,
    flags,
    help: Boolean(help),
    verbose: Boolean(wantsVerbose),
  };
  if (request.help) return request;

  if (verbName === 'help') {
    request.name = positionals[0];
    if (request.name && !verbs[request.name]) {
      throw new UsageError(
        `unknown command "${request.name}"; choose one of ${Object.keys(verbs).join(', ')}`,
      );
    }
    return request;
  }
  const most =
    verb.positional === 'chapters'
      ? Infinity
      : verb.positional === 'rollout' || verb.positional === 'object'
        ? 2
        : verb.positional
          ? 1
          : 0;
  if (positionals.length > most) {
    throw new UsageError(`unexpected "${positionals[most]}"; usage: ${verb.usage}`);
  }
  if (verb.required && positionals.length === 0) {
    const what =
      verb.positional === 'chapter'
        ? `a chapter: ${chapterChoices()}`
        : verb.positional === 'pod'
          ? 'a pod name'
          : verb.positional === 'rollout'
            ? 'an action and a deployment'
            : verb.positional === 'object'
              ? 'a resource type: pods, deployments, services, nodes, ...'
              : 'a name';
    throw new UsageError(`kata ${verbName} needs ${what}; usage: ${verb.usage}`);
  }
  if (verb.positional === 'chapter' && verb.stages) {
    const named = positionals.map(resolveStage);
    request.chapters = named.map((entry) => entry.chapter);
    request.stage = named[0]?.stage;
    if (verb.stages === 'required' && named.length && request.stage === undefined) {
      const id = request.chapters[0]!.id;
      throw new UsageError(`kata ${verbName} needs a stage, like ${id}.2; usage: ${verb.usage}`);
    }
  } else if (verb.positional === 'chapter' || verb.positional === 'chapters') {
    request.chapters = positionals.map(resolveChapter);
  } else {
    request.name = positionals[0];
    if (verb.positional === 'rollout' || verb.positional === 'object')
      request.rest = positionals.slice(1);
  }
  if (verbName === 'check' && flags.only !== undefined && flags.only !== 'coverage') {
    throw new UsageError(`--only takes "coverage", not "${String(flags.only)}"`);
  }
  return request;
}

/** Node's first sentence is the useful one: "Unknown option '--nope'". */
function oneLine(message: string): string {
  return message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
}

/** `kata help`, or `kata <verb> --help`. */
export function helpText(verbName?: string): string {
  if (verbName && verbs[verbName]) {
    const verb = verbs[verbName];
    const flagLines = Object.entries({ ...verb.flags, verbose }).map(
      ([name, flag]) =>
        `  ${`${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ' <value>' : ''}`.padEnd(22)} ${flag.description}`,
    );
    return [`usage: ${verb.usage}`, '', verb.summary, '', 'options:', ...flagLines].join('\n');
  }
  // Summaries start in one column; a usage too long for it puts its summary on the next line.
  const width = 36;
  const verbLines = Object.values(verbs).map((verb) =>
    verb.usage.length <= width
      ? `  ${verb.usage.padEnd(width)}  ${verb.summary}`
      : `  ${verb.usage}\n  ${' '.repeat(width)}  ${verb.summary}`,
  );
  return [
    'kata: learn Kubernetes by building it, one chapter at a time',
    '',
    ...verbLines,
    '',
    `Chapters: ${course.map((chapter) => `${chapter.id} ${folderOf(chapter)}`).join(', ')}.`,
    'Exit codes: 0 ok, 1 failure, 2 usage. --verbose shows stack traces. NO_COLOR turns colour off.',
  ].join('\n');
}

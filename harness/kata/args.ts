// The `kata` command line: how a line of arguments becomes one request for one of the verbs
// (harness/kata/verbs.ts). Mistakes become a UsageError whose one line names the valid choices
// (exit code 2).
import { parseArgs } from 'node:util';
import { chapterParts, course, findChapter, folderOf, type Chapter } from '../course.ts';
import { UsageError } from './output.ts';
import { verbose, verbs, type Verb } from './verbs.ts';

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
  if (chapter) return chapter;
  const parts = chapterParts(name);
  if (parts.length > 0) {
    const names = parts.map((part) => `${part.id} (${part.slug})`).join(', ');
    throw new UsageError(`chapter ${name} comes in parts: ${names}; name one of them`);
  }
  throw new UsageError(`unknown chapter "${name}"; choose one of ${chapterChoices()}`);
}

/** "01.3": chapter 01 and its third stage; "01": chapter 01 alone. */
export function resolveStage(name: string): { chapter: Chapter; stage?: number } {
  const match = /^(.+)\.(\d+)$/.exec(name);
  if (!match) return { chapter: resolveChapter(name) };
  const chapter = resolveChapter(match[1]!);
  const stage = Number(match[2]);
  const count = chapter.stages.length;
  if (count === 0) {
    throw new UsageError(
      `chapter ${chapter.id} is not cut into stages yet: name the chapter alone, ${chapter.id}`,
    );
  }
  if (stage < 1 || stage > count) {
    throw new UsageError(
      `chapter ${chapter.id} has no stage ${stage}; its stages are ${chapter.id}.1 to ${chapter.id}.${count}`,
    );
  }
  return { chapter, stage };
}

/** A verb's work: runs the request, resolves with the exit code. */
export type Command = (request: Request) => Promise<number>;

/** The verb a command line names: its first word, or `status` when it starts with a flag. */
function verbOf(argv: string[]): [string, Verb] {
  const name = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'status';
  const verb = verbs[name];
  if (!verb)
    throw new UsageError(
      `unknown command "${name}"; choose one of ${Object.keys(verbs).join(', ')}`,
    );
  return [name, verb];
}

/** `kata run store --data-dir x`: the words after the program's name are its own business. */
function passedThrough(verb: Verb, words: string[]): [own: string[], rest: string[]] {
  const at = verb.passThrough ? words.findIndex((word) => !word.startsWith('-')) : -1;
  return at >= 0 ? [words.slice(0, at + 1), words.slice(at + 1)] : [words, []];
}

/** How many positional arguments a verb takes at most. */
function mostPositionals(verb: Verb): number {
  if (verb.positional === 'chapters') return Infinity;
  if (verb.positional === 'rollout' || verb.positional === 'object' || verb.positional === 'action')
    return 2;
  return verb.positional ? 1 : 0;
}

/** What a verb needs when its positional argument is missing, as the error names it. */
const needed: Record<NonNullable<Verb['positional']>, string | undefined> = {
  chapter: undefined,
  chapters: undefined,
  component: 'a name',
  bench: 'a name',
  pod: 'a pod name',
  rollout: 'an action and a deployment',
  object: 'a resource type: pods, deployments, services, nodes, ...',
  action: 'an action',
  url: 'a URL, like http://127.96.0.20:8080/?ms=100',
};

/** Fills in the request's chapters, stage or name from the positional arguments. */
function readPositionals(request: Request, verb: Verb, positionals: string[]): void {
  const most = mostPositionals(verb);
  if (positionals.length > most)
    throw new UsageError(`unexpected "${positionals[most]}"; usage: ${verb.usage}`);
  if (verb.required && positionals.length === 0) {
    const what = needed[verb.positional!] ?? `a chapter: ${chapterChoices()}`;
    throw new UsageError(`kata ${request.verb} needs ${what}; usage: ${verb.usage}`);
  }
  const parts = verb.parts && positionals.length === 1 ? chapterParts(positionals[0]!) : [];
  if (parts.length > 0 && !findChapter(positionals[0]!)) {
    request.chapters = parts;
  } else if (verb.positional === 'chapter' && verb.stages) {
    const named = positionals.map(resolveStage);
    request.chapters = named.map((entry) => entry.chapter);
    request.stage = named[0]?.stage;
    if (verb.stages === 'required' && named.length && request.stage === undefined) {
      const id = request.chapters[0]!.id;
      throw new UsageError(
        `kata ${request.verb} needs a stage, like ${id}.2; usage: ${verb.usage}`,
      );
    }
  } else if (verb.positional === 'chapter' || verb.positional === 'chapters') {
    request.chapters = positionals.map(resolveChapter);
  } else {
    request.name = positionals[0];
    if (
      verb.positional === 'rollout' ||
      verb.positional === 'object' ||
      verb.positional === 'action'
    )
      request.rest = positionals.slice(1);
  }
}

/** The flags that only make sense together, or with one value. */
function checkFlagCombinations(verbName: string, flags: Request['flags']): void {
  if (verbName !== 'check') return;
  if (flags.only !== undefined && flags.only !== 'coverage')
    throw new UsageError(`--only takes "coverage", not "${String(flags.only)}"`);
  if (flags.repeat === undefined && (flags.load || flags.harness))
    throw new UsageError('--load and --harness go with --repeat N: kata check --repeat 5 --load');
}

export function parseCommandLine(argv: string[]): Request {
  // `kata --help` alone asks about kata, not about its default verb.
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) argv = ['help'];
  const [verbName, verb] = verbOf(argv);
  const [own, rest] = passedThrough(verb, argv[0] === verbName ? argv.slice(1) : argv);
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
  const { help, verbose: wantsVerbose, ...flags } = parsed.values as Request['flags'];
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
    request.name = parsed.positionals[0];
    if (request.name && !verbs[request.name]) verbOf([request.name]);
    return request;
  }
  readPositionals(request, verb, parsed.positionals);
  checkFlagCombinations(verbName, flags);
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

// The documentation check, part of `npm test`: the guides must not send anyone to a page, a
// heading, a command or a chapter that does not exist. It reads the same sources the CLI does (the
// verb table in args.ts, package.json's scripts, the course manifest), so a renamed verb or a new
// chapter shows up here at once.
//
//   - every relative link in README.md, docs/*.md and chapters/*/README.md names a file that
//     exists, and a #heading that exists in it;
//   - every `npx kata <verb>` and `npm run <script>` in a ```bash or ```sh block of README.md and
//     docs/*.md names a real verb or script;
//   - every chapter of the course appears in docs/cert-prep.md;
//   - every stage a guide names in bold, "**06.8 A sandbox and a first start**", exists and is
//     still called that (the words may stop early): the instructor guide's advice follows the
//     manifest when its stages move.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { course, folderOf } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { agendaProblems } from './agendas.ts';
import { verbs } from '../verbs.ts';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function headingsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (match) anchors.add(anchorOf(match[1]!));
  }
  return anchors;
}

/** The Markdown files the check reads, relative to the repository. */
export function documents(root = repoRoot): string[] {
  const inDocs = existsSync(path.join(root, 'docs'))
    ? readdirSync(path.join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  const lessons = existsSync(path.join(root, 'chapters'))
    ? readdirSync(path.join(root, 'chapters'))
        .map((folder) => `chapters/${folder}/README.md`)
        .filter((file) => existsSync(path.join(root, file)))
    : [];
  return ['README.md', ...inDocs, ...lessons];
}

/** Broken relative links in one document, as "file:line: what". */
export function linkProblems(file: string, root = repoRoot): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const problems: string[] = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = match[1]!;
      if (/^[a-z]+:/i.test(link)) continue;
      const [target = '', anchor] = link.split('#');
      const resolved = target
        ? path.join(path.dirname(path.join(root, file)), target)
        : path.join(root, file);
      const where = `${file}:${index + 1}`;
      if (!existsSync(resolved)) {
        problems.push(`${where}: the link ${link} names no file`);
        continue;
      }
      if (anchor && resolved.endsWith('.md')) {
        if (!headingsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
          problems.push(`${where}: the link ${link} names no heading of ${target || file}`);
        }
      }
    }
  });
  return problems;
}

/** Commands in shell blocks that name a kata verb or npm script that does not exist. */
export function commandProblems(file: string, root = repoRoot): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const scripts = Object.keys(
    (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: object })
      .scripts,
  );
  const problems: string[] = [];
  let shell = false;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('```')) {
      shell = !shell && /^```(bash|sh)\s*$/.test(line);
      return;
    }
    if (!shell) return;
    const where = `${file}:${index + 1}`;
    for (const match of line.matchAll(/npx kata\s+([a-z][\w-]*)/g)) {
      if (!(match[1]! in verbs)) problems.push(`${where}: "kata ${match[1]}" is no kata verb`);
    }
    for (const match of line.matchAll(/npm run\s+([a-z][\w:-]*)/g)) {
      if (!scripts.includes(match[1]!))
        problems.push(`${where}: "npm run ${match[1]}" is no script`);
    }
  });
  return problems;
}

/** Chapters of the course that the certification map does not mention. */
export function certMapProblems(root = repoRoot): string[] {
  const file = path.join(root, 'docs', 'cert-prep.md');
  if (!existsSync(file)) return ['docs/cert-prep.md is missing'];
  const text = readFileSync(file, 'utf8');
  return course
    .filter((chapter) => !text.includes(folderOf(chapter)))
    .map((chapter) => `docs/cert-prep.md does not mention chapter ${folderOf(chapter)}`);
}

/** Stages named in bold ("**01.2 Puts**") that do not exist, or whose title is no longer that. */
export function stageNameProblems(file: string, root = repoRoot, chapters = course): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/\*\*(\d\d[a-z]?)\.(\d+) ([^*]+)\*\*/g)) {
      const [, id, place, words] = match as unknown as [string, string, string, string];
      const stage = chapters.find((chapter) => chapter.id === id)?.stages[Number(place) - 1];
      const where = `${file}:${index + 1}`;
      if (!stage) problems.push(`${where}: stage ${id}.${place} does not exist`);
      else if (!stage.title.startsWith(words.trim()))
        problems.push(`${where}: stage ${id}.${place} is "${stage.title}", not "${words.trim()}"`);
    }
  });
  return problems;
}

/** Every problem the documentation check finds. */
export function documentationProblems(root = repoRoot): string[] {
  const files = documents(root);
  const guides = files.filter((file) => !file.startsWith('chapters/'));
  return [
    ...files.flatMap((file) => linkProblems(file, root)),
    ...guides.flatMap((file) => commandProblems(file, root)),
    ...guides.flatMap((file) => stageNameProblems(file, root)),
    ...certMapProblems(root),
    ...(root === repoRoot ? agendaProblems(root) : []),
  ];
}

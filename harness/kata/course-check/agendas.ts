// The workshop agendas of docs/instructor-guide.md, built from the stages' computed minutes.
//
// An instructor chooses what each day holds (a plan: fixed items such as a demo or lunch, and runs
// of stages); the times are never typed. `npx kata agendas --write` writes the tables into the guide
// between `<!-- agenda: NAME -->` and `<!-- /agenda -->`, and the documentation check fails when a
// table there no longer matches what the stages' minutes give, or a day runs past its end.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { course, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { chapterFigures, duration, type StageFigures } from '../course/stages.ts';

/** Something on a day that is not a stage: a demo, a break, lunch, a debrief. */
interface Fixed {
  what: string;
  minutes: number;
}

/** A run of stages, first to last: "01.1" to "01.3". */
interface Stages {
  first: string;
  last: string;
}

type Item = Fixed | Stages;

export interface Agenda {
  /** The name in the guide's marker: `<!-- agenda: one-day -->`. */
  name: string;
  title: string;
  days: Item[][];
}

/** Every day starts at 9:00 and ends by 17:30: 8 h 30 min, breaks and lunch included. */
export const dayStart = 9 * 60;
export const dayEnd = 17 * 60 + 30;

const demo: Fixed = {
  what: 'Demo: `npm start` brings up the whole cluster from the reference; `npx kata apply -f harness/examples/hello.yaml`, `curl` the NodePort, then `npx kata kill scheduler`, scale up and watch pods stay Pending, `npx kata restart scheduler`',
  minutes: 20,
};
const pause: Fixed = { what: 'Break', minutes: 15 };
const lunch: Fixed = { what: 'Lunch', minutes: 45 };
const debrief: Fixed = {
  what: 'Debrief: what each component owns; the path of `kubectl run` through them',
  minutes: 15,
};
const recap: Fixed = {
  what: "Recap of the day before, questions; `npx kata goto` the day's first stage",
  minutes: 15,
};
const stages = (first: string, last: string): Stages => ({ first, last });

/** A day on the store, chapter 01's first seven stages: the one-day workshop, and day 1 of longer ones. */
const theStore: Item[] = [
  demo,
  stages('01.1', '01.2'),
  pause,
  stages('01.3', '01.3'),
  lunch,
  stages('01.4', '01.5'),
  pause,
  stages('01.6', '01.7'),
  debrief,
];

/** A day on the API server, chapter 03a's first nine stages. */
const theApiServer: Item[] = [
  recap,
  stages('03a.1', '03a.3'),
  pause,
  stages('03a.4', '03a.4'),
  lunch,
  stages('03a.5', '03a.7'),
  pause,
  stages('03a.8', '03a.8'),
  debrief,
];

/** The plans. Change what a day holds here; the times follow from the stages. */
export const agendas: Agenda[] = [
  {
    name: 'taster',
    title: 'A half-day taster',
    days: [[demo, stages('01.1', '01.1'), pause, stages('01.2', '01.2'), debrief]],
  },
  {
    name: 'one-day',
    title: 'One day',
    days: [theStore],
  },
  {
    name: 'three-days',
    title: 'Three days: the store, the API server, the scheduler and a controller',
    days: [
      theStore,
      theApiServer,
      [
        recap,
        stages('05.1', '05.3'),
        pause,
        stages('05.4', '05.5'),
        lunch,
        stages('05.6', '05.7'),
        pause,
        stages('07.1', '07.3'),
        debrief,
      ],
    ],
  },
  {
    name: 'five-days',
    title: 'Five days: a component a day, each standing on the reference for the others',
    days: [
      theStore,
      theApiServer,
      [
        recap,
        stages('04.1', '04.3'),
        pause,
        stages('04.4', '04.4'),
        lunch,
        stages('04.5', '04.7'),
        pause,
        stages('04.8', '04.8'),
        debrief,
      ],
      [
        recap,
        stages('05.1', '05.3'),
        pause,
        stages('05.4', '05.5'),
        lunch,
        stages('05.6', '05.8'),
        pause,
        stages('05.9', '05.9'),
        debrief,
      ],
      [
        recap,
        stages('07.1', '07.3'),
        pause,
        stages('07.4', '07.4'),
        lunch,
        stages('07.5', '07.6'),
        pause,
        stages('09.1', '09.2'),
        debrief,
      ],
    ],
  },
];

function isStages(item: Item): item is Stages {
  return 'first' in item;
}

/** Every stage of the course by id, worked out once. */
export function stagesById(
  chapters: Chapter[] = course,
  root = repoRoot,
): Map<string, StageFigures> {
  return new Map(
    chapters.flatMap((chapter) =>
      chapterFigures(chapter, root).stages.map((s) => [s.id, s] as const),
    ),
  );
}

/** The stages from `first` to `last`, in course order. */
function stagesIn(run: Stages, all: Map<string, StageFigures>): StageFigures[] {
  const ids = [...all.keys()];
  const from = ids.indexOf(run.first);
  const to = ids.indexOf(run.last);
  if (from < 0 || to < 0 || to < from) {
    throw new Error(
      `the agenda names stages ${run.first} to ${run.last}, which the course does not have in that order`,
    );
  }
  return ids.slice(from, to + 1).map((id) => all.get(id)!);
}

function clock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

export interface Row {
  start: number;
  what: string;
  minutes: number;
}

/** A day's rows, each starting when the one before it ends. */
export function dayRows(items: Item[], all: Map<string, StageFigures>): Row[] {
  const rows: Row[] = [];
  let at = dayStart;
  for (const item of items) {
    if (isStages(item)) {
      for (const stage of stagesIn(item, all)) {
        rows.push({ start: at, what: `${stage.id} ${stage.title}`, minutes: stage.minutes });
        at += stage.minutes;
      }
    } else {
      rows.push({ start: at, what: item.what, minutes: item.minutes });
      at += item.minutes;
    }
  }
  return rows;
}

/** The Markdown of one agenda: a table a day. */
export function renderAgenda(agenda: Agenda, all: Map<string, StageFigures>): string {
  const out: string[] = [];
  agenda.days.forEach((items, index) => {
    const rows = dayRows(items, all);
    if (agenda.days.length > 1) out.push(`**Day ${index + 1}**`, '');
    out.push('| time | what | minutes |', '| ---- | ---- | ------: |');
    for (const row of rows) out.push(`| ${clock(row.start)} | ${row.what} | ${row.minutes} |`);
    const end = rows.length
      ? rows[rows.length - 1]!.start + rows[rows.length - 1]!.minutes
      : dayStart;
    out.push(`| ${clock(end)} | End | |`, '');
  });
  return out.join('\n').trimEnd();
}

/** Problems with the plans themselves: a day that runs past its end. */
export function planProblems(all: Map<string, StageFigures>): string[] {
  return agendas.flatMap((agenda) =>
    agenda.days.flatMap((items, index) => {
      const rows = dayRows(items, all);
      const last = rows[rows.length - 1];
      const end = last ? last.start + last.minutes : dayStart;
      return end > dayEnd
        ? [
            `agenda "${agenda.title}", day ${index + 1}, ends at ${clock(end)}, past ${clock(dayEnd)} (${duration(end - dayEnd)} over): change its plan in harness/kata/course-check/agendas.ts`,
          ]
        : [];
    }),
  );
}

const guide = 'docs/instructor-guide.md';

function block(name: string): RegExp {
  return new RegExp(`(<!-- agenda: ${name} -->)([\\s\\S]*?)(<!-- /agenda -->)`);
}

/**
 * A Markdown table as its cells, so that a table Prettier has aligned compares equal to the one
 * rendered here.
 */
export function tableCells(markdown: string): string {
  return markdown
    .trim()
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => cell.trim().replace(/^:?-+:?$/, '-'))
            .join('|')
        : line.trim(),
    )
    .join('\n');
}

/** The guide's agendas match what the stages give, and every day fits. */
export function agendaProblems(root = repoRoot, all = stagesById(course, root)): string[] {
  const file = path.join(root, guide);
  if (!existsSync(file)) return [`${guide} is missing`];
  const text = readFileSync(file, 'utf8');
  let problems: string[];
  try {
    problems = planProblems(all);
  } catch (error) {
    return [`harness/kata/course-check/agendas.ts: ${(error as Error).message}`];
  }
  for (const agenda of agendas) {
    const found = block(agenda.name).exec(text);
    if (!found) {
      problems.push(
        `${guide} has no agenda "${agenda.name}" (<!-- agenda: ${agenda.name} --> ... <!-- /agenda -->)`,
      );
    } else if (tableCells(found[2]!) !== tableCells(renderAgenda(agenda, all))) {
      problems.push(
        `${guide}: the agenda "${agenda.title}" no longer adds up with the stages' minutes: run npx kata agendas --write`,
      );
    }
  }
  return problems;
}

/** `kata agendas [--write]`: prints the agendas, or writes them into the guide. */
export function printAgendas(write: boolean, root = repoRoot): number {
  const all = stagesById(course, root);
  if (!write) {
    for (const agenda of agendas)
      console.log(`### ${agenda.title}\n\n${renderAgenda(agenda, all)}\n`);
    return planProblems(all).length ? 1 : 0;
  }
  const file = path.join(root, guide);
  let text = readFileSync(file, 'utf8');
  for (const agenda of agendas) {
    text = text.replace(
      block(agenda.name),
      (_, open, _old, close) => `${open}\n\n${renderAgenda(agenda, all)}\n\n${close}`,
    );
  }
  writeFileSync(file, text);
  console.log(`Wrote ${agendas.length} agendas into ${guide}; run npx prettier --write ${guide}.`);
  for (const problem of planProblems(all)) console.log(problem);
  return 0;
}

// A workshop room as the instructor's page shows it: the last report of every learner who joined,
// the position the instructor set, and what the room as a whole looks like from them: how many
// learners are at each stage, and the tests most of them are stuck on. Plain state and pure
// summaries; the server (server.ts) feeds it reports and sends its view to the page.
import { course } from '../../course.ts';
import type { LearnerReport, RoomPosition } from './wire.ts';

/** A learner's last report and when it came (ISO 8601). */
export interface LearnerRow extends LearnerReport {
  lastSeen: string;
}

/** A row as the page gets it: whether the learner is behind the room's position, too. */
export interface LearnerView extends LearnerRow {
  behind: boolean;
}

/** A chapter as the page needs it: its id, title and stage titles, in course order. */
export interface ChapterOutline {
  id: string;
  title: string;
  stages: string[];
}

/** How many learners are at one stage ("04.2"), or at a chapter without stages ("04"). */
export interface StageCount {
  stage: string;
  title: string;
  learners: number;
}

/** A test that is the next failing one of several learners. */
export interface StuckTest {
  chapter: string;
  test: string;
  learners: number;
}

/** Everything the page draws, sent whole at every change. */
export interface RoomView {
  position?: RoomPosition;
  course: ChapterOutline[];
  learners: LearnerView[];
  stages: StageCount[];
  stuck: StuckTest[];
}

/** How many stuck tests the page lists. */
const stuckShown = 5;

/** The most learners a room keeps: a bound on what a holder of the token can make it store. */
export const mostLearners = 500;

export const courseOutline: ChapterOutline[] = course.map((chapter) => ({
  id: chapter.id,
  title: chapter.title,
  stages: chapter.stages.map((stage) => stage.title),
}));

/** "04.2", or "04" for a position without a stage. */
export function positionLabel(position: RoomPosition): string {
  return position.stage === undefined ? position.chapter : `${position.chapter}.${position.stage}`;
}

/** "04.2 Informer cache", from the manifest's titles. */
export function positionTitle(position: RoomPosition): string {
  const chapter = course.find((entry) => entry.id === position.chapter);
  const title =
    position.stage === undefined ? chapter?.title : chapter?.stages[position.stage - 1]?.title;
  return title ? `${positionLabel(position)} ${title}` : positionLabel(position);
}

/** Whether position `a` comes before `b` in the course (a chapter alone counts as its start). */
export function comesBefore(a: RoomPosition, b: RoomPosition): boolean {
  const place = (position: RoomPosition) =>
    course.findIndex((chapter) => chapter.id === position.chapter) * 1000 + (position.stage ?? 0);
  return place(a) < place(b);
}

/** The learners at each stage, in course order; stages nobody is at are left out. */
export function stageDistribution(learners: LearnerReport[]): StageCount[] {
  const counts = new Map<string, number>();
  for (const learner of learners) {
    const label = positionLabel(learner);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const order = (label: string) => {
    const [chapter, stage] = label.split('.');
    return course.findIndex((entry) => entry.id === chapter) * 1000 + Number(stage ?? 0);
  };
  return [...counts.keys()]
    .sort((a, b) => order(a) - order(b))
    .map((label) => {
      const [chapter, stage] = label.split('.');
      const position = { chapter: chapter!, ...(stage && { stage: Number(stage) }) };
      return { stage: label, title: positionTitle(position), learners: counts.get(label)! };
    });
}

/** The next failing tests shared by the most learners, most first (ties by course order). */
export function stuckTests(learners: LearnerReport[]): StuckTest[] {
  const counts = new Map<string, StuckTest>();
  for (const learner of learners) {
    if (learner.nextFailing === undefined) continue;
    const key = `${learner.chapter}\n${learner.nextFailing}`;
    const entry = counts.get(key) ?? {
      chapter: learner.chapter,
      test: learner.nextFailing,
      learners: 0,
    };
    entry.learners++;
    counts.set(key, entry);
  }
  const place = (entry: StuckTest) => course.findIndex((chapter) => chapter.id === entry.chapter);
  return [...counts.values()]
    .sort((a, b) => b.learners - a.learners || place(a) - place(b))
    .slice(0, stuckShown);
}

/** The room: reports in, a view out, and a listener told of every change. */
export class Room {
  private readonly learners = new Map<string, LearnerRow>();
  private position?: RoomPosition;
  private readonly listeners = new Set<(view: RoomView) => void>();

  private readonly now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  /**
   * Takes a learner's report: 'joined' for a learner new to the room, 'updated' for one in it,
   * 'full' (and nothing kept) for a new learner when the room is full.
   */
  report(report: LearnerReport): 'joined' | 'updated' | 'full' {
    const known = this.learners.has(report.learner);
    if (!known && this.learners.size >= mostLearners) return 'full';
    this.learners.set(report.learner, { ...report, lastSeen: this.now().toISOString() });
    this.changed();
    return known ? 'updated' : 'joined';
  }

  /** The name a learner reported last, if the room knows them. */
  nameOf(learner: string): string | undefined {
    return this.learners.get(learner)?.name;
  }

  /** A learner left (`kata room leave`); false when the room did not know them. */
  remove(learner: string): boolean {
    const removed = this.learners.delete(learner);
    if (removed) this.changed();
    return removed;
  }

  setPosition(position: RoomPosition): void {
    this.position = position;
    this.changed();
  }

  getPosition(): RoomPosition | undefined {
    return this.position;
  }

  view(): RoomView {
    // Rows in the order learners joined: a row does not jump about as its learner moves on.
    const learners = [...this.learners.values()];
    const position = this.position;
    return {
      ...(position && { position }),
      course: courseOutline,
      learners: learners.map((row) => ({
        ...row,
        behind: position !== undefined && comesBefore(row, position),
      })),
      stages: stageDistribution(learners),
      stuck: stuckTests(learners),
    };
  }

  /** Calls `listener` with the new view at every change; returns how to stop. */
  subscribe(listener: (view: RoomView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}

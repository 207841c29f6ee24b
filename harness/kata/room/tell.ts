// The one call the learner's verbs make after their work (`kata`, `kata test`, each `kata watch`
// run, `kata goto`): tell the room where the learner stands, and say where the instructor is. Not
// joined, it does nothing at all, not even a look at the network. Joined, it waits for the room at
// most a second and a half (roomTimeoutMs) and never fails the verb: a room out of reach is said
// once, and said again when it answers again (the last outcome is kept in .kata/room.json).
import type { Chapter } from '../../course.ts';
import { stateDir } from '../../progress.ts';
import { postReport, roomTimeoutMs, type RoomOutcome } from './client.ts';
import { learnerReport } from './learner-report.ts';
import { loadMembership, saveMembership, type Membership, type Reach } from './membership.ts';
import { comesBefore, positionLabel, positionTitle } from './room.ts';
import { BadReport, readPosition, type LearnerReport, type RoomPosition } from './wire.ts';

/**
 * What `kata` prints of the room's answer, given how the room answered the time before and, when
 * given, where the learner is (to point a learner behind the room at the way to catch up).
 */
export function roomLines(
  membership: Membership,
  outcome: RoomOutcome,
  learner?: RoomPosition,
): string[] {
  const before = membership.reach;
  if (outcome.kind === 'unreachable') {
    if (before === 'unreachable') return [];
    return [
      `Room: ${membership.url} is out of reach (${outcome.reason}); kata carries on without it and says when it answers again.`,
    ];
  }
  if (outcome.kind === 'refused') {
    if (before === 'refused') return [];
    return [
      `Room: ${membership.url} refused the report (${outcome.status}: ${outcome.error}); if the room restarted, join again with the command the instructor shows.`,
    ];
  }
  const lines = before === 'answered' ? [] : [`Room: ${membership.url} answers again.`];
  try {
    if (outcome.reply.position !== undefined) {
      const position = readPosition(outcome.reply.position);
      lines.push(`Room: the instructor is at ${positionTitle(position)}.`);
      if (learner && comesBefore(learner, position)) {
        const target = positionLabel(position);
        lines.push(
          `  You are at ${positionLabel(learner)}: npx kata goto ${target} moves you there` +
            (position.stage && position.stage > 1
              ? `, npx kata catch-up ${target} fills in the stages before it with the reference.`
              : '.'),
        );
      }
    }
  } catch (error) {
    if (!(error instanceof BadReport)) throw error;
    // A position this clone's course does not know (a newer course on the instructor's side).
  }
  return lines;
}

export interface TellOptions {
  dir?: string;
  timeoutMs?: number;
  print?: (line: string) => void;
  /** What to report; the learner's progress by default. */
  report?: (membership: Membership) => LearnerReport;
}

/** Reports to the room this clone joined, if any, and prints what the room answered. */
export async function tellRoom(chapter?: Chapter, options: TellOptions = {}): Promise<void> {
  const dir = options.dir ?? stateDir;
  const print = options.print ?? console.log;
  const membership = loadMembership(dir);
  if (!membership) return;
  let report: LearnerReport;
  try {
    report = (options.report ?? ((joined) => learnerReport(joined, chapter)))(membership);
  } catch (error) {
    print(`Room: nothing sent; could not work out where you stand: ${(error as Error).message}`);
    return;
  }
  const outcome = await postReport(membership, report, options.timeoutMs ?? roomTimeoutMs);
  for (const line of roomLines(membership, outcome, report)) print(line);
  const reach: Reach = outcome.kind;
  if (reach !== membership.reach) saveMembership({ ...membership, reach }, dir);
}

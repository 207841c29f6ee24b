// The mock exam's score: each task carries a weight (a share of 100, as the CKA's tasks do), a task
// counts in full when its verify passes and not at all when it fails, and the exam is passed at the
// CKA's mark of 66%. Pure functions, so the tests check the arithmetic without a cluster.
import type { Verdict } from '../tasks/task.ts';

/** The CKA's pass mark, in percent (the CKAD's is the same). */
export const passMark = 66;

/** One task's outcome: its name, its weight, and what verify said. */
export interface TaskOutcome {
  name: string;
  weight: number;
  verdict: Verdict;
}

export interface ExamScore {
  /** The weights of the passed tasks over the weights of all, in percent, rounded down. */
  percent: number;
  passed: boolean;
  tasksPassed: number;
  tasks: number;
}

/** The score of a set of outcomes. An exam with no tasks scores 0. */
export function scoreExam(outcomes: TaskOutcome[], mark = passMark): ExamScore {
  const total = outcomes.reduce((sum, outcome) => sum + outcome.weight, 0);
  const earned = outcomes
    .filter((outcome) => outcome.verdict.passed)
    .reduce((sum, outcome) => sum + outcome.weight, 0);
  const percent = total === 0 ? 0 : Math.floor((earned * 100) / total);
  return {
    percent,
    passed: percent >= mark,
    tasksPassed: outcomes.filter((outcome) => outcome.verdict.passed).length,
    tasks: outcomes.length,
  };
}

/** A task's line in the score: "✓ create-deployment (7%)" or "✗ scale (7%): <first reason>". */
export function outcomeLine(outcome: TaskOutcome): string {
  if (outcome.verdict.passed) return `✓ ${outcome.name} (${outcome.weight}%)`;
  const reason = outcome.verdict.reasons[0] ?? 'not done';
  return `✗ ${outcome.name} (${outcome.weight}%): ${reason}`;
}

/** The score's last line: "score 50% (7 of 14 tasks); the pass mark is 66%: not passed". */
export function scoreLine(score: ExamScore, mark = passMark): string {
  return `score ${score.percent}% (${score.tasksPassed} of ${score.tasks} tasks); the pass mark is ${mark}%: ${score.passed ? 'passed' : 'not passed'}`;
}

// The exam's pace: how long a task has taken against the minutes an exam would give it, in whole
// minutes as a learner glances at them ("7 of 8 minutes").

/** "3 of 8 minutes", or "11 of 8 minutes: over the exam's pace". */
export function pace(startedAt: Date, minutes: number, now = new Date()): string {
  const taken = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 60_000));
  const line = `${taken} of ${minutes} minutes`;
  return taken > minutes ? `${line}: over the exam's pace` : line;
}

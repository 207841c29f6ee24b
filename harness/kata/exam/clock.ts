// The mock exam's clock: two hours from `kata exam start`, as the CKA and CKAD give. Pure
// functions of the start and the time now, so `kata exam status` and the tests read the same clock.

/** The exam's length: two hours. */
export const examMinutes = 120;

export interface ExamClock {
  /** Minutes gone since the start (whole minutes, rounded down). */
  elapsedMinutes: number;
  /** Minutes left before the two hours are up (0 once they are). */
  remainingMinutes: number;
  /** Whether the two hours are up. */
  over: boolean;
}

/** The clock of an exam started at `startedAt`, read at `now`. */
export function readClock(startedAt: Date, now: Date, minutes = examMinutes): ExamClock {
  const elapsed = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 60_000));
  return {
    elapsedMinutes: elapsed,
    remainingMinutes: Math.max(0, minutes - elapsed),
    over: elapsed >= minutes,
  };
}

/** Minutes as the exam's timer shows them: 1h05m, 45m. */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = String(minutes % 60).padStart(hours > 0 ? 2 : 1, '0');
  return hours > 0 ? `${hours}h${rest}m` : `${rest}m`;
}

/** One line of the clock: "0h42m of 2h00m gone, 1h18m left" or "time is up (2h05m gone)". */
export function clockLine(clock: ExamClock, minutes = examMinutes): string {
  if (clock.over) return `time is up (${formatMinutes(clock.elapsedMinutes)} gone)`;
  return `${formatMinutes(clock.elapsedMinutes)} of ${formatMinutes(minutes)} gone, ${formatMinutes(clock.remainingMinutes)} left`;
}

// A learner's membership of a room, kept in .kata/room.json from `kata room join` until
// `kata room leave`: where the room is, its token, the learner's id and name, and whether the room
// answered last time (so `kata` says once that it is out of reach, and once that it is back).
// Without this file `kata` never talks to any room.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateDir } from '../../progress.ts';

/** How the room answered the last report: it took it, it could not be reached, it refused it. */
export type Reach = 'answered' | 'unreachable' | 'refused';

export interface Membership {
  /** The room's address: http://192.168.1.20:7070 */
  url: string;
  /** The room token from the join address. */
  token: string;
  /** This learner's id in the room (random, made at join). */
  learner: string;
  name: string;
  reach: Reach;
}

export function membershipFile(dir: string = stateDir): string {
  return path.join(dir, 'room.json');
}

function isMembership(value: unknown): value is Membership {
  const entry = value as Membership;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    ['url', 'token', 'learner', 'name'].every(
      (key) => typeof entry[key as keyof Membership] === 'string',
    ) &&
    ['answered', 'unreachable', 'refused'].includes(entry.reach)
  );
}

/**
 * The room this clone joined, or undefined. An unreadable file counts as no room, said once
 * through `warn`: a broken file must not make every verb fail.
 */
export function loadMembership(
  dir: string = stateDir,
  warn = console.warn,
): Membership | undefined {
  const file = membershipFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    const membership: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isMembership(membership)) return membership;
  } catch {
    // read as unreadable, below
  }
  renameSync(file, `${file}.bad`);
  warn('kata: .kata/room.json was unreadable; moved it to room.json.bad: join the room again');
  return undefined;
}

export function saveMembership(membership: Membership, dir: string = stateDir): void {
  mkdirSync(dir, { recursive: true });
  const file = membershipFile(dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(membership, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Forgets the room; false when there was none. */
export function forgetMembership(dir: string = stateDir): boolean {
  const file = membershipFile(dir);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

// How a learner's `kata` talks to the room: the join address read, a report posted, the room's
// position asked. Every call has a short deadline and never throws for the network's sake: the
// outcome says whether the room answered, refused, or could not be reached, and the caller
// decides what to say. A learner's verb never waits long on a room, and never fails because of one.
import { UsageError } from '../output.ts';
import type { LearnerReport, RoomReply } from './wire.ts';

/** How long a verb waits for the room before it carries on without it. */
export const roomTimeoutMs = 1500;

/** Where a room is and the token that lets a learner in. */
export interface RoomAddress {
  url: string;
  token: string;
}

export type RoomOutcome =
  | { kind: 'answered'; reply: RoomReply }
  | { kind: 'refused'; status: number; error: string }
  | { kind: 'unreachable'; reason: string };

/** The join address `kata room` prints, http://HOST:PORT/join/TOKEN, read into a room and token. */
export function readJoinAddress(text: string): RoomAddress {
  let address: URL | undefined;
  try {
    address = new URL(text);
  } catch {
    address = undefined;
  }
  const token = address && /^\/join\/([A-Za-z0-9_-]+)\/?$/.exec(address.pathname)?.[1];
  if (!address || !token || !['http:', 'https:'].includes(address.protocol)) {
    throw new UsageError(
      `"${text}" is not a room's join address; the instructor's kata room prints one, like http://192.168.1.20:7070/join/TOKEN`,
    );
  }
  return { url: address.origin, token };
}

/** One request to the room, its answer read as JSON, within `timeoutMs`. */
async function call(
  room: RoomAddress,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<RoomOutcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${room.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${room.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // fetch says only "fetch failed"; its cause names what happened (ECONNREFUSED, "bad port").
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (error as Error).name === 'TimeoutError';
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { kind: 'unreachable', reason };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!response.ok) {
    const error = (answer as { error?: unknown })?.error;
    return {
      kind: 'refused',
      status: response.status,
      error:
        typeof error === 'string'
          ? error
          : `HTTP ${response.status}, and not as a kata room answers: is it the room's address?`,
    };
  }
  if (typeof answer !== 'object' || answer === null)
    return { kind: 'unreachable', reason: `${room.url} answered, but not as a kata room` };
  return { kind: 'answered', reply: answer as RoomReply };
}

/** Sends a report; the room answers with its position. */
export function postReport(
  room: RoomAddress,
  report: LearnerReport,
  timeoutMs = roomTimeoutMs,
): Promise<RoomOutcome> {
  return call(room, 'POST', '/api/reports', report, timeoutMs);
}

/** Asks the room where it is, without reporting anything. */
export function askRoom(room: RoomAddress, timeoutMs = roomTimeoutMs): Promise<RoomOutcome> {
  return call(room, 'GET', '/api/room', undefined, timeoutMs);
}

/** Tells the room this learner leaves, so their row goes. */
export function leave(
  room: RoomAddress,
  learner: string,
  timeoutMs = roomTimeoutMs,
): Promise<RoomOutcome> {
  return call(room, 'DELETE', `/api/learners/${encodeURIComponent(learner)}`, undefined, timeoutMs);
}

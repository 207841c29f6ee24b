// `kata room join <address> --name Ada` and `kata room leave`: a learner's clone joins a room, or
// leaves it. Joining checks the room answers and takes the token before anything is kept, then
// sends a first report so the learner's row appears at once.
import { randomBytes } from 'node:crypto';
import { stateDir } from '../../progress.ts';
import { KataError, UsageError, type Paint } from '../output.ts';
import { askRoom, leave, readJoinAddress, roomTimeoutMs } from './client.ts';
import { forgetMembership, loadMembership, saveMembership } from './membership.ts';
import { tellRoom } from './tell.ts';
import { BadReport, checkName } from './wire.ts';

/** How long `join` waits for the room: longer than a verb does, it is asked once. */
const joinTimeoutMs = 5000;

export async function joinRoom(
  address: string | undefined,
  name: string | undefined,
  colour: Paint,
  dir: string = stateDir,
): Promise<number> {
  const usage = 'kata room join http://HOST:PORT/join/TOKEN --name YOUR-NAME';
  if (!address)
    throw new UsageError(`kata room join needs the room's join address; usage: ${usage}`);
  if (name === undefined)
    throw new UsageError(
      `kata room join needs --name, the name the instructor sees; usage: ${usage}`,
    );
  let shownName: string;
  try {
    shownName = checkName(name);
  } catch (error) {
    if (error instanceof BadReport) throw new UsageError(`--name: ${error.message}`);
    throw error;
  }
  const room = readJoinAddress(address);
  const outcome = await askRoom(room, joinTimeoutMs);
  if (outcome.kind === 'unreachable')
    throw new KataError(
      `cannot reach the room at ${room.url} (${outcome.reason}); check the address and that this machine is on the room's network`,
    );
  if (outcome.kind === 'refused')
    throw new KataError(
      `the room at ${room.url} refused to let you in (${outcome.error}); copy the join command again`,
    );
  // Joining again keeps the learner's id, so a new name or room does not leave a stale row behind.
  const learner = loadMembership(dir)?.learner ?? randomBytes(8).toString('hex');
  saveMembership({ ...room, learner, name: shownName, reach: 'answered' }, dir);
  console.log(`Joined the room at ${room.url} as ${colour.bold(shownName)}.`);
  console.log(
    'From now on kata, kata test, kata watch and kata goto send it your chapter, stage, tests passing ' +
      'and next failing test; never your code. npx kata room leave stops that.',
  );
  await tellRoom(undefined, { dir, timeoutMs: roomTimeoutMs });
  return 0;
}

/** `kata room leave`: forgets the room, and tells it (if it can be reached) to drop the row. */
export async function leaveRoom(dir: string = stateDir): Promise<number> {
  const membership = loadMembership(dir, () => {});
  if (!forgetMembership(dir)) {
    console.log('This clone is in no room: kata sends nothing anywhere.');
    return 0;
  }
  if (!membership) {
    console.log('Left the room: kata sends nothing to it any more.');
    return 0;
  }
  const outcome = await leave(membership, membership.learner);
  const told =
    outcome.kind === 'answered'
      ? 'your row is gone from its page'
      : outcome.kind === 'refused'
        ? `it kept your row: ${outcome.error}`
        : `out of reach, ${outcome.reason}: your row stays on its page`;
  console.log(`Left the room at ${membership.url} (${told}): kata sends nothing to it any more.`);
  return 0;
}

// The room's verb, `kata room` (the instructor opens a room), `kata room join` and `kata room
// leave` (a learner), each loading its module when it runs.
import type { Command } from '../args.ts';
import { colourWanted, paint, UsageError } from '../output.ts';

const room: Command = async ({ name: action, rest, flags }) => {
  const colour = paint(colourWanted());
  const serving = flags.port !== undefined || flags.address !== undefined;
  if (action === undefined) {
    if (flags.name !== undefined) throw new UsageError('--name goes with kata room join');
    return (await import('./host.ts')).hostRoom(
      flags as { port?: string; address?: string },
      colour,
    );
  }
  if (serving)
    throw new UsageError('--port and --address go with kata room alone, which opens a room');
  if (action === 'join')
    return (await import('./join.ts')).joinRoom(rest[0], flags.name as string | undefined, colour);
  if (action === 'leave') {
    if (flags.name !== undefined) throw new UsageError('--name goes with kata room join');
    if (rest.length) throw new UsageError(`unexpected "${rest[0]}"; usage: kata room leave`);
    return (await import('./join.ts')).leaveRoom();
  }
  throw new UsageError(
    `unknown room action "${action}"; choose join or leave, or none to open a room`,
  );
};

export const roomCommands: Record<string, Command> = { room };

// `kata room`, the instructor's side: opens the room on this machine, prints the join command for
// the learners and the page's address for the instructor, and serves until Ctrl-C. The tokens are
// new at every start (random, from the operating system's source): a room closed is closed, and
// last week's join command opens nothing.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import os from 'node:os';
import { serveUntilSignal } from '../../components/process.ts';
import { parsePort } from '../../components/flags.ts';
import { KataError, UsageError, type Paint } from '../output.ts';
import { startRoomServer, type RoomTokens } from './server.ts';

/** The room's port unless --port says otherwise: free of the cluster's ports and macOS's 5000/7000. */
export const defaultRoomPort = 7070;

/**
 * Ports above 1024 that browsers and Node's fetch refuse to connect to (the Fetch standard's "bad
 * ports"): a room there would open, and nobody could reach it.
 */
const refusedPorts = [
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
  6679, 6697, 10080,
];

export function newTokens(): RoomTokens {
  return {
    room: randomBytes(12).toString('base64url'),
    instructor: randomBytes(18).toString('base64url'),
  };
}

/** The addresses learners can reach this machine at: its IPv4 addresses that are not loopback. */
export function lanAddresses(
  interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces(),
): string[] {
  return Object.values(interfaces)
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry.address);
}

function listenProblem(address: string, port: number, error: NodeJS.ErrnoException): string {
  const where = `cannot open the room on ${address}:${port}`;
  if (error.code === 'EADDRINUSE')
    return `${where}: the port is in use; choose another with --port`;
  if (error.code === 'EACCES')
    return `${where}: ports below 1024 need privileges; choose a higher one with --port`;
  if (error.code === 'EADDRNOTAVAIL')
    return `${where}: this machine has no such address; check --address`;
  return `${where} (${error.code ?? error.message})`;
}

/** `kata room [--port N] [--address A]`: serves the room until Ctrl-C. */
export async function hostRoom(
  flags: { port?: string; address?: string },
  colour: Paint,
): Promise<number> {
  const port = flags.port === undefined ? defaultRoomPort : parsePort(flags.port, 'port');
  if (refusedPorts.includes(port))
    throw new UsageError(
      `--port ${port} is one browsers and fetch refuse to connect to; choose another`,
    );
  const address = flags.address ?? '0.0.0.0';
  if (!isIP(address)) throw new UsageError(`--address takes an IP address, not "${address}"`);
  const tokens = newTokens();
  const log = (line: string) => console.log(`${new Date().toTimeString().slice(0, 8)}  ${line}`);
  const running = await startRoomServer({ port, address, tokens, log }).catch((error: unknown) => {
    throw new KataError(listenProblem(address, port, error as NodeJS.ErrnoException));
  });
  const everywhere = address === '0.0.0.0' || address === '::';
  const reachable = everywhere ? lanAddresses() : [address];
  const joinHost = reachable[0] ?? '127.0.0.1';
  const at = (host: string) => `http://${host.includes(':') ? `[${host}]` : host}:${running.port}`;
  const pageHost = everywhere ? '127.0.0.1' : address;
  console.log(colour.bold(`The room is open on port ${running.port}.`));
  console.log('\nLearners join with (in their clone):');
  console.log(`  npx kata room join ${at(joinHost)}/join/${tokens.room} --name THEIR-NAME`);
  if (reachable.length > 1)
    console.log(
      `  (this machine is also at ${reachable.slice(1).join(', ')}: use the one the room's network reaches)`,
    );
  if (reachable.length === 0)
    console.log('  (this machine has no network address but loopback: only this machine can join)');
  console.log("\nYour page (keep its address to yourself: it sets the room's stage):");
  console.log(`  ${at(pageHost)}/#${tokens.instructor}`);
  console.log('\nThe room keeps nothing on disk; Ctrl-C closes it. Who joins and leaves:\n');
  return serveUntilSignal('room', running, (line) => console.log(line));
}

// The room's HTTP server (`kata room`): one page for the instructor, an API for the learners'
// `kata`, and a stream of Server-Sent Events that keeps the page live.
//
// Two tokens guard it. The *room token* is in the join address every learner gets: it lets a
// learner post reports and read the room's position. The *instructor token* is in the page's
// address after the # (a browser never sends that part; the page's script presents the token
// itself): it lets the page read the whole room and set the room's position. Every refusal and mistake is answered in JSON, `{ "error": ... }`:
// a missing or wrong token 403, a body too large or not a report 400, an unknown path 404, a
// new learner in a full room 409.
//
//   GET  /                     the page (static; it reads the instructor token from its address)
//   GET  /join/ROOM-TOKEN      what a learner who opened the join address in a browser should do
//   GET  /api/room             the room's position (either token)
//   POST /api/reports          a learner's report (room token); answers the room's position
//   DELETE /api/learners/ID    a learner leaves: their row goes (room token)
//   PUT  /api/room             set the room's position (instructor token)
//   GET  /api/view             the room as the page draws it (instructor token)
//   GET  /api/events?token=T   that view as Server-Sent Events, again at every change (instructor)
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { mostLearners, positionLabel, Room, type RoomView } from './room.ts';
import { BadReport, bodyLimitBytes, readPosition, readReport, type RoomReply } from './wire.ts';

export interface RoomTokens {
  /** Lets a learner post reports (in the join address). */
  room: string;
  /** Lets the page see the room and set its position (in the page's address). */
  instructor: string;
}

/** How often an idle event stream gets a comment line, so no proxy or browser closes it. */
const keepAliveMs = 20_000;

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

/** Whether `given` is `expected`, compared in constant time. */
function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer T`, or `?token=T` (EventSource sends no headers). */
function tokenOf(request: Request): string | undefined {
  const header = /^Bearer (\S+)$/.exec(request.get('authorization') ?? '')?.[1];
  const query = request.query.token;
  return header ?? (typeof query === 'string' ? query : undefined);
}

function refuse(response: Response, status: number, error: string): void {
  response.status(status).json({ error });
}

/** A middleware that lets a request through only with one of the `allowed` tokens. */
function requireToken(tokens: RoomTokens, ...allowed: Array<keyof RoomTokens>) {
  return (request: Request, response: Response, next: NextFunction) => {
    const token = tokenOf(request);
    if (allowed.some((kind) => sameToken(token, tokens[kind]))) return next();
    const which = allowed.map((kind) => `the ${kind} token`).join(' or ');
    refuse(
      response,
      403,
      token === undefined
        ? `this needs ${which} (Authorization: Bearer TOKEN)`
        : `wrong token: this needs ${which}`,
    );
  };
}

/** Every body is read as JSON, whatever its Content-Type says, so a mistake gets one clear answer. */
const readJson = express.json({ limit: bodyLimitBytes, type: () => true });

/**
 * Turns the body reader's and the wire format's errors into a 400 that says what was wrong; any
 * other failure is a 500, in JSON too.
 */
function answerMistakes(error: unknown, request: Request, response: Response, next: NextFunction) {
  const kind = (error as { type?: string }).type;
  if (kind === 'entity.too.large')
    return refuse(
      response,
      400,
      `the body is larger than the room takes (${bodyLimitBytes} bytes)`,
    );
  if (kind === 'entity.parse.failed')
    return refuse(response, 400, `the body is not JSON: ${(error as Error).message}`);
  if (error instanceof BadReport) return refuse(response, 400, error.message);
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status && status >= 400 && status < 500) return refuse(response, status, message);
  // The room's own fault: said in the instructor's terminal, and in JSON to the caller.
  console.error(`kata room: ${request.method} ${request.path}: ${message}`);
  if (response.headersSent) return next(error);
  refuse(response, 500, `the room failed: ${message}`);
}

/** Sends the room's view to one page now and at every change, until the page goes away. */
function streamEvents(room: Room, request: Request, response: Response): void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  const send = (view: RoomView) => response.write(`event: room\ndata: ${JSON.stringify(view)}\n\n`);
  send(room.view());
  const stop = room.subscribe(send);
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
  request.on('close', () => {
    clearInterval(keepAlive);
    stop();
  });
}

/**
 * The room's routes over `room`, guarded by `tokens`. `log` hears who joins and leaves, for the
 * instructor's terminal.
 */
export function roomApp(
  room: Room,
  tokens: RoomTokens,
  log: (line: string) => void = () => {},
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const learner = requireToken(tokens, 'room');
  const anyone = requireToken(tokens, 'room', 'instructor');
  const instructor = requireToken(tokens, 'instructor');
  const reply = (): RoomReply => {
    const position = room.getPosition();
    return position ? { position } : {};
  };

  app.get('/', (_request, response) => {
    response.set('Cache-Control', 'no-cache').type('html').send(page);
  });
  app.get('/join/:token', (request, response) => {
    if (!sameToken(request.params.token, tokens.room))
      return refuse(response, 403, 'this is not the join address of this room');
    const address = `${request.protocol}://${request.get('host')}${request.originalUrl}`;
    response
      .type('text')
      .send(`In your clone, run:\n  npx kata room join ${address} --name YOUR-NAME\n`);
  });
  app.get('/api/room', anyone, (_request, response) => {
    response.json(reply());
  });
  app.post('/api/reports', learner, readJson, (request, response) => {
    const report = readReport(request.body);
    const taken = room.report(report);
    if (taken === 'full')
      return refuse(response, 409, `the room is full: it keeps at most ${mostLearners} learners`);
    if (taken === 'joined') log(`${report.name} joined, at ${positionLabel(report)}`);
    response.json(reply());
  });
  app.delete('/api/learners/:learner', learner, (request, response) => {
    const name = room.nameOf(String(request.params.learner));
    if (!room.remove(String(request.params.learner)))
      return refuse(response, 404, 'no learner with that id is in the room');
    log(`${name} left`);
    response.json(reply());
  });
  app.put('/api/room', instructor, readJson, (request, response) => {
    room.setPosition(readPosition(request.body));
    response.json(reply());
  });
  app.get('/api/view', instructor, (_request, response) => {
    response.json(room.view());
  });
  app.get('/api/events', instructor, (request, response) => streamEvents(room, request, response));
  app.use((request, response) => {
    refuse(response, 404, `no ${request.method} ${request.path} here; the page is at /`);
  });
  app.use(answerMistakes);
  return app;
}

export interface RunningRoom {
  room: Room;
  /** http://address:port, as the server listens. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the room's server on `address`:`port` (0: any free port). */
export async function startRoomServer(options: {
  port: number;
  address: string;
  tokens: RoomTokens;
  room?: Room;
  log?: (line: string) => void;
}): Promise<RunningRoom> {
  const room = options.room ?? new Room();
  const server = roomApp(room, options.tokens, options.log).listen(options.port, options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  return {
    room,
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Event streams never end on their own: close them with the server.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

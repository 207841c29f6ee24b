import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRoomServer, type RunningRoom } from './server.ts';
import { bodyLimitBytes, type LearnerReport } from './wire.ts';
import type { RoomView } from './room.ts';

const tokens = { room: 'room-token-1', instructor: 'instructor-token-1' };
let running: RunningRoom;

beforeAll(async () => {
  running = await startRoomServer({ port: 0, address: '127.0.0.1', tokens });
});
afterAll(async () => {
  await running.close();
});

function report(name: string, fields: Partial<LearnerReport> = {}): LearnerReport {
  const learner = Buffer.from(name.padEnd(8, '_')).toString('hex');
  return {
    learner,
    name,
    chapter: '04',
    stage: 2,
    chapters: { '04': { passed: 7, total: 80 } },
    ...fields,
  };
}

async function send(
  method: string,
  path: string,
  token: string | undefined,
  body?: string,
): Promise<{ status: number; json: { error?: string } & Record<string, unknown> }> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { Authorization: `Bearer ${token}` }),
      'Content-Type': 'application/json',
    },
    ...(body !== undefined && { body }),
  });
  return { status: response.status, json: (await response.json()) as { error?: string } };
}

describe('The room server', () => {
  test('serves the page to anyone: it holds no learner, only the script that asks', async () => {
    const response = await fetch(`${running.url}/`);
    const text = await response.text();
    expect(response.status, 'GET /').toBe(200);
    expect(response.headers.get('content-type'), 'its type').toMatch(/^text\/html/);
    expect(text, 'the page').toContain('<title>kubekata room</title>');
  });

  test("takes a learner's report with the room token, and answers the room's position", async () => {
    const answer = await send('POST', '/api/reports', tokens.room, JSON.stringify(report('Ada')));
    expect(answer, 'POST /api/reports').toEqual({ status: 200, json: {} });
    const view = await send('GET', '/api/view', tokens.instructor);
    const rows = (view.json as unknown as RoomView).learners.map((row) => row.name);
    expect(rows, 'the learners the instructor sees').toContain('Ada');
  });

  test.each([
    ['POST', '/api/reports', undefined, 'this needs the room token'],
    ['POST', '/api/reports', 'guess', 'wrong token'],
    ['POST', '/api/reports', tokens.instructor, 'wrong token'],
    ['GET', '/api/room', 'guess', 'wrong token'],
    ['DELETE', '/api/learners/00000000', tokens.instructor, 'wrong token'],
    ['PUT', '/api/room', tokens.room, 'this needs the instructor token'],
    ['GET', '/api/view', tokens.room, 'this needs the instructor token'],
    ['GET', '/api/events', undefined, 'this needs the instructor token'],
  ])('%s %s with token %s is refused with 403', async (method, path, token, message) => {
    const body =
      method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(report('Eve'));
    const answer = await send(method, path, token, body);
    expect(answer.status, `${method} ${path}`).toBe(403);
    expect(answer.json.error, 'the reason').toContain(message.replace('this needs', ''));
  });

  test('a body that is not JSON, too large, or not a report gets 400 and says why', async () => {
    const broken = await send('POST', '/api/reports', tokens.room, '{"name": "Ada"');
    expect(broken.status, 'a broken JSON body').toBe(400);
    expect(broken.json.error, 'its reason').toMatch(/^the body is not JSON/);
    const huge = JSON.stringify({ ...report('Ada'), nextFailing: 'x'.repeat(bodyLimitBytes) });
    const large = await send('POST', '/api/reports', tokens.room, huge);
    expect(large, 'a body over the limit').toEqual({
      status: 400,
      json: { error: `the body is larger than the room takes (${bodyLimitBytes} bytes)` },
    });
    const code = JSON.stringify({ ...report('Ada'), code: 'export class Store {}' });
    const extra = await send('POST', '/api/reports', tokens.room, code);
    expect(extra.status, 'a report with a field of code').toBe(400);
    expect(extra.json.error, 'its reason').toContain('unknown field "code"');
    const stage = await send('PUT', '/api/room', tokens.instructor, '{"chapter":"04","stage":99}');
    expect(stage.json.error, 'a stage the chapter lacks').toMatch(/has stages 1 to \d+, not 99/);
  });

  test('a learner who leaves loses their row; an id the room does not know gets 404', async () => {
    const dan = report('Dan');
    await send('POST', '/api/reports', tokens.room, JSON.stringify(dan));
    const left = await send('DELETE', `/api/learners/${dan.learner}`, tokens.room);
    expect(left.status, 'DELETE /api/learners/ID').toBe(200);
    const names = running.room.view().learners.map((row) => row.name);
    expect(names, 'the rows after Dan left').not.toContain('Dan');
    const again = await send('DELETE', `/api/learners/${dan.learner}`, tokens.room);
    expect(again, 'the same DELETE again').toEqual({
      status: 404,
      json: { error: 'no learner with that id is in the room' },
    });
  });

  test("tells the instructor's terminal who joins and who leaves, once each", async () => {
    const heard: string[] = [];
    const own = await startRoomServer({
      port: 0,
      address: '127.0.0.1',
      tokens,
      log: (line) => heard.push(line),
    });
    try {
      const eve = report('Eve');
      const post = () =>
        fetch(`${own.url}/api/reports`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${tokens.room}` },
          body: JSON.stringify(eve),
        });
      await post();
      await post();
      await fetch(`${own.url}/api/learners/${eve.learner}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${tokens.room}` },
      });
      expect(heard, 'the lines logged').toEqual(['Eve joined, at 04.2', 'Eve left']);
    } finally {
      await own.close();
    }
  });

  test('an unknown path gets 404 in JSON', async () => {
    const answer = await send('GET', '/api/nothing', tokens.room);
    expect(answer, 'GET /api/nothing').toEqual({
      status: 404,
      json: { error: 'no GET /api/nothing here; the page is at /' },
    });
  });

  test('the join address opened in a browser says what to type', async () => {
    const response = await fetch(`${running.url}/join/${tokens.room}`);
    expect(await response.text(), 'GET /join/TOKEN').toContain(
      `npx kata room join ${running.url}/join/${tokens.room} --name YOUR-NAME`,
    );
    const wrong = await fetch(`${running.url}/join/other`);
    expect(wrong.status, 'GET /join/ with a wrong token').toBe(403);
  });

  test('the position the instructor sets comes back to every learner who reports or asks', async () => {
    const set = await send('PUT', '/api/room', tokens.instructor, '{"chapter":"04","stage":3}');
    expect(set, 'PUT /api/room').toEqual({
      status: 200,
      json: { position: { chapter: '04', stage: 3 } },
    });
    const answer = await send('POST', '/api/reports', tokens.room, JSON.stringify(report('Bob')));
    expect(answer.json, "the answer to Bob's report").toEqual({
      position: { chapter: '04', stage: 3 },
    });
    const asked = await send('GET', '/api/room', tokens.room);
    expect(asked.json, 'GET /api/room').toEqual({ position: { chapter: '04', stage: 3 } });
  });

  test('the event stream sends the room at once, and again when a learner reports', async () => {
    const stop = new AbortController();
    const response = await fetch(`${running.url}/api/events?token=${tokens.instructor}`, {
      signal: stop.signal,
    });
    expect(response.headers.get('content-type'), 'its type').toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const nextView = async (): Promise<RoomView> => {
      while (!received.includes('\n\n')) received += (await reader.read()).value ?? '';
      const [event, ...rest] = received.split('\n\n');
      received = rest.join('\n\n');
      expect(event, 'an event').toMatch(/^event: room\ndata: /);
      return JSON.parse(event!.replace(/^event: room\ndata: /, '')) as RoomView;
    };
    const first = await nextView();
    expect(
      first.learners.some((row) => row.name === 'Cy'),
      'Cy before reporting',
    ).toBe(false);
    await send('POST', '/api/reports', tokens.room, JSON.stringify(report('Cy', { stage: 5 })));
    const second = await nextView();
    const cy = second.learners.find((row) => row.name === 'Cy');
    expect(cy?.stage, "Cy's stage, in the next event").toBe(5);
    stop.abort();
  });
});

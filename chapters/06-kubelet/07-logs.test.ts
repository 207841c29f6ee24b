// Logs: the kubelet's own API on the node, and the API server passing `kubectl logs` on to it.
import http from 'node:http';
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import type { KubeletRoute, KubeletServing } from '../../harness/contracts/kubelet.ts';
import { containerNameLabel, podNameLabel, podNamespaceLabel } from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';
import { serveKubeletApi } from './kubelet-server.ts';

const scope = testScope();

/** A fake runtime with one running container, app of pod default/web, that wrote three lines. */
async function runtimeWithLog() {
  const runtime = new FakeRuntime();
  const labels = { [podNameLabel]: 'web', [podNamespaceLabel]: 'default' };
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 },
    labels,
  });
  await runtime.pullImage('kata/echo');
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
    labels: { ...labels, [containerNameLabel]: 'app' },
  });
  await runtime.startContainer(id);
  for (const line of ['one', 'two', 'three']) runtime.writeLog(id, line);
  return runtime;
}

/** Reads `response`'s body until it holds `lines` newline-ended lines; answers the text. */
async function readLines(response: Response, lines: number): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.split('\n').length <= lines) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe('Logs', () => {
  test('the kubelet API answers /healthz, and 404 to what it does not serve', async () => {
    const api = await serveKubeletApi(new FakeRuntime(), '127.0.0.1', 0);
    try {
      expect(api.url, 'the url serveKubeletApi answers, on port 0').toMatch(
        /^http:\/\/127\.0\.0\.1:[1-9]\d*$/,
      );
      const health = await fetch(`${api.url}/healthz`);
      expect([health.status, await health.text()], 'GET /healthz').toEqual([200, 'ok']);
      const other = await fetch(`${api.url}/pods`);
      expect(other.status, 'GET /pods, a path the kubelet API does not serve').toBe(404);
      await other.text();
      const posted = await fetch(`${api.url}/containerLogs/default/web/app`, { method: 'POST' });
      expect(posted.status, 'POST /containerLogs/default/web/app').toBe(404);
      await posted.text();
    } finally {
      await api.close();
    }
  });

  test("the kubelet API lets later chapters' routes answer first, on the server `serving` makes", async () => {
    let made = 0;
    // A stand-in for the TLS server the harness makes on kata up: plain HTTP, counted.
    const serving: KubeletServing = {
      createServer(handler, upgrade) {
        made += 1;
        return http.createServer(handler).on('upgrade', upgrade);
      },
    };
    const routes: KubeletRoute[] = [
      { path: '/stats/summary', serve: (_request, response) => response.end('{"pods":[]}') },
      { path: '/healthz', serve: (_request, response) => response.end('[+]ping ok') },
    ];
    const api = await serveKubeletApi(
      new FakeRuntime(),
      '127.0.0.1',
      0,
      undefined,
      undefined,
      routes,
      serving,
    );
    try {
      expect(made, 'servers made through serving.createServer').toBe(1);
      expect(api.url, 'the url with serving: https, as the harness serves it').toMatch(
        /^https:\/\/127\.0\.0\.1:[1-9]\d*$/,
      );
      const plain = api.url.replace('https:', 'http:');
      const stats = await fetch(`${plain}/stats/summary`);
      expect(await stats.text(), 'GET /stats/summary, a route').toBe('{"pods":[]}');
      const health = await fetch(`${plain}/healthz`);
      expect(
        await health.text(),
        'GET /healthz, which a route answers before the built-in ok',
      ).toBe('[+]ping ok');
    } finally {
      await api.close();
    }
  });

  test("the kubelet API serves a container's log, all of it or its last lines", async () => {
    const api = await serveKubeletApi(await runtimeWithLog(), '127.0.0.1', 0);
    try {
      const all = await fetch(`${api.url}/containerLogs/default/web/app`);
      expect([all.status, await all.text()], 'GET /containerLogs/default/web/app').toEqual([
        200,
        'one\ntwo\nthree\n',
      ]);
      expect(all.headers.get('content-type'), 'the content-type of a log').toMatch(/^text\/plain/);
      const tail = await fetch(`${api.url}/containerLogs/default/web/app?tailLines=1`);
      expect(await tail.text(), 'with tailLines=1').toBe('three\n');
      const missing = await fetch(`${api.url}/containerLogs/default/web/nope`);
      expect(
        [missing.status, await missing.text()],
        'GET /containerLogs/default/web/nope, a container that is not there',
      ).toEqual([404, 'container "nope" in pod "web" is not running on this node']);
    } finally {
      await api.close();
    }
  });

  test("after a restart, the log is the newest attempt's", async () => {
    const runtime = await runtimeWithLog();
    const [first] = await runtime.listContainers();
    runtime.exitContainer(first!.id, 1);
    const again = await runtime.createContainer(first!.podSandboxId, {
      metadata: { name: 'app', attempt: 1 },
      image: 'kata/echo',
      labels: first!.labels,
    });
    await runtime.startContainer(again);
    runtime.writeLog(again, 'second run');
    const api = await serveKubeletApi(runtime, '127.0.0.1', 0);
    try {
      const log = await fetch(`${api.url}/containerLogs/default/web/app`);
      expect(
        await log.text(),
        'the log of app after attempt 0 wrote three lines and attempt 1 one',
      ).toBe('second run\n');
    } finally {
      await api.close();
    }
  });

  test("previous reads the attempt before the newest; without one, a 400 in kube's words", async () => {
    const runtime = await runtimeWithLog();
    const api = await serveKubeletApi(runtime, '127.0.0.1', 0);
    try {
      const none = await fetch(`${api.url}/containerLogs/default/web/app?previous=true`);
      expect(
        [none.status, await none.text()],
        'GET ...?previous=true of a container that never restarted',
      ).toEqual([400, 'previous terminated container "app" in pod "web" not found']);
      const [first] = await runtime.listContainers();
      runtime.exitContainer(first!.id, 1);
      const again = await runtime.createContainer(first!.podSandboxId, {
        metadata: { name: 'app', attempt: 1 },
        image: 'kata/echo',
        labels: first!.labels,
      });
      await runtime.startContainer(again);
      runtime.writeLog(again, 'second run');
      const previous = await fetch(`${api.url}/containerLogs/default/web/app?previous=true`);
      expect(
        [previous.status, await previous.text()],
        'GET ...?previous=true after attempt 0 wrote three lines and attempt 1 one',
      ).toEqual([200, 'one\ntwo\nthree\n']);
    } finally {
      await api.close();
    }
  });

  test('previous, while a crashed container waits to run again, is the run that just ended', async () => {
    const runtime = await runtimeWithLog();
    const [first] = await runtime.listContainers();
    runtime.exitContainer(first!.id, 1);
    for (const [policy, expected] of [
      ['Always', [200, 'one\ntwo\nthree\n']],
      ['Never', [400, 'previous terminated container "app" in pod "web" not found']],
    ] as const) {
      const api = await serveKubeletApi(runtime, '127.0.0.1', 0, () => policy);
      try {
        const answer = await fetch(`${api.url}/containerLogs/default/web/app?previous=true`);
        expect(
          [answer.status, await answer.text()],
          `GET ...?previous=true after the only attempt exited 1, restartPolicy ${policy}`,
        ).toEqual(expected);
      } finally {
        await api.close();
      }
    }
  });

  test("sinceSeconds and sinceTime leave older lines out; timestamps puts each line's time first", async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const clock = new FakeClock(start);
    const runtime = new FakeRuntime({ clock });
    const sandbox = await runtime.runPodSandbox({
      metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 },
    });
    await runtime.pullImage('kata/echo');
    const id = await runtime.createContainer(sandbox, {
      metadata: { name: 'app', attempt: 0 },
      image: 'kata/echo',
      labels: {
        [podNameLabel]: 'web',
        [podNamespaceLabel]: 'default',
        [containerNameLabel]: 'app',
      },
    });
    await runtime.startContainer(id);
    runtime.writeLog(id, 'at midnight');
    clock.advance(1500);
    runtime.writeLog(id, 'a second and a half later');
    clock.advance(Date.now() - 60_000 - clock.now());
    runtime.writeLog(id, 'a minute ago');
    const api = await serveKubeletApi(runtime, '127.0.0.1', 0);
    const log = async (query: string) =>
      (await fetch(`${api.url}/containerLogs/default/web/app?${query}`)).text();
    try {
      expect(
        await log('sinceTime=2026-01-01T00:00:01Z'),
        'the log since 2026-01-01T00:00:01Z',
      ).toBe('a second and a half later\na minute ago\n');
      expect(await log('sinceSeconds=3600'), 'the log of the last hour').toBe('a minute ago\n');
      expect(await log('timestamps=true&tailLines=3'), 'the log with timestamps=true').toMatch(
        /^2026-01-01T00:00:00Z at midnight\n2026-01-01T00:00:01\.5Z a second and a half later\n\S+Z a minute ago\n$/,
      );
    } finally {
      await api.close();
    }
  });

  test('limitBytes ends the log after that many bytes', async () => {
    const api = await serveKubeletApi(await runtimeWithLog(), '127.0.0.1', 0);
    try {
      const cut = await fetch(`${api.url}/containerLogs/default/web/app?limitBytes=6`);
      expect(await cut.text(), 'the log (one, two, three) with limitBytes=6').toBe('one\ntw');
    } finally {
      await api.close();
    }
  });

  test('follow keeps the answer open and sends each new line as the container prints it', async () => {
    const runtime = await runtimeWithLog();
    const [container] = await runtime.listContainers();
    const api = await serveKubeletApi(runtime, '127.0.0.1', 0);
    try {
      const response = await fetch(
        `${api.url}/containerLogs/default/web/app?follow=true&tailLines=1`,
      );
      expect(response.status, 'GET ...?follow=true&tailLines=1').toBe(200);
      const reading = readLines(response, 2);
      await waitFor(
        () => runtime.callsTo('readLogs').length === 1,
        'the kubelet API to start reading the log',
      );
      runtime.writeLog(container!.id, 'four');
      expect(await reading, 'the lines followed: the last one, then one printed afterwards').toBe(
        'three\nfour\n',
      );
    } finally {
      await api.close();
    }
  });

  test("kubectl logs' request: the API server passes pods/log on to the pod's node", async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const runtime = new FakeRuntime({ clock });
    inBackground(
      createKubelet({
        nodeName: 'node-1',
        nodeIp: '127.0.0.1',
        podCidr: '127.244.0.0/24',
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        port: 0,
        toolkit,
        client,
        runtime,
        clock,
      }).run(scope.stopper().signal),
    );
    const pods = client.resource<Pod>('pods', 'default');
    const pod = examplePod('talker');
    pod.spec.nodeName = 'node-1';
    await pods.create(pod);
    await waitFor(async () => (await pods.get('talker')).status?.phase === 'Running', 'Running');
    const [container] = await runtime.listContainers();
    runtime.writeLog(container!.id, 'hello from talker');
    const path = '/api/v1/namespaces/default/pods/talker/log';
    const answer = await fetch(`${server.url}${path}`);
    expect([answer.status, await answer.text()], `GET ${path}`).toEqual([
      200,
      'hello from talker\n',
    ]);
    const wrong = await fetch(`${server.url}${path}?container=nope`);
    expect(
      [wrong.status, ((await wrong.json()) as { reason: string }).reason],
      'container=nope',
    ).toEqual([400, 'BadRequest']);
  });
});

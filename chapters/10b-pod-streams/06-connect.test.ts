// Passing the connection on: the connecters' checks and locations on their own, then the
// reference API server with them, carrying an upgraded connection to a stand-in kubelet.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../harness/api/types.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { send } from '../../harness/testing/http.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  kubeletLocation,
  kubeletUrl,
  podConnecters,
  proxyUpgrade,
  requestHead,
  streamContainer,
} from './connect.ts';

function pod(containers: string[], phase = 'Running', nodeName = 'node-1'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName, containers: containers.map((name) => ({ name, image: 'kata/echo' })) },
    status: { phase },
  };
}

function node(address?: string, port?: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    status: {
      addresses: address ? [{ type: 'InternalIP', address }] : [],
      ...(port ? { daemonEndpoints: { kubeletEndpoint: { Port: port } } } : {}),
    },
  };
}

/** A stand-in kubelet: answers every upgrade with 101, then echoes; keeps each request's head. */
let kubelet: http.Server;
let kubeletPort: number;
let heads: string[];

beforeEach(async () => {
  heads = [];
  kubelet = http.createServer();
  kubelet.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    heads.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n',
    );
    socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  kubeletPort = (kubelet.address() as net.AddressInfo).port;
});

afterEach(async () => {
  kubelet.closeAllConnections();
  await new Promise((resolve) => kubelet.close(resolve));
});

/** Sends an upgrade request (and `early` bytes) to `url`; resolves with what came back. */
function upgradeTo(url: string, early = ''): Promise<{ head: string; socket: net.Socket }> {
  const { hostname, port, pathname, search } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.write(
    `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer secret\r\n` +
      `Connection: Upgrade\r\nUpgrade: test\r\n\r\n${early}`,
  );
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.on('close', () => reject(new Error(`the connection closed after "${answer}"`)));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      if (end >= 0) resolve({ head: answer, socket });
    });
  });
}

describe('Passing the connection on', () => {
  test("an exec's container is ?container, or the pod's only one", () => {
    const query = new URLSearchParams('container=side');
    expect(streamContainer(pod(['app']), new URLSearchParams(), 'exec'), 'one container').toBe(
      'app',
    );
    expect(streamContainer(pod(['app', 'side']), query, 'exec'), '?container=side').toBe('side');
  });

  test('no container named in a pod of two, one it lacks, or a completed pod: 400', () => {
    const refusal = (check: () => unknown) => {
      try {
        check();
      } catch (error) {
        return { code: (error as { code: number }).code, message: (error as Error).message };
      }
      return 'no error';
    };
    const noName = () => streamContainer(pod(['a', 'b']), new URLSearchParams(), 'exec');
    expect(refusal(noName), 'no container named, two in the pod').toEqual({
      code: 400,
      message: 'a container name must be specified for pod web, choose one of: [a b]',
    });
    const query = new URLSearchParams('container=c');
    expect(
      refusal(() => streamContainer(pod(['a']), query, 'exec')),
      'container c',
    ).toEqual({
      code: 400,
      message: 'container c is not valid for pod web',
    });
    const completed = () => streamContainer(pod(['a'], 'Succeeded'), query, 'attach');
    expect(refusal(completed), 'attach to a Succeeded pod').toEqual({
      code: 400,
      message: 'cannot attach into a container in a completed pod; current phase is Succeeded',
    });
  });

  test("the kubelet is at the node's InternalIP, on its daemon endpoint's port (10250 unsaid)", () => {
    expect(kubeletUrl(pod(['a']), node('127.20.0.2', 4000)).href, 'port given').toBe(
      'http://127.20.0.2:4000/',
    );
    expect(kubeletUrl(pod(['a']), node('127.20.0.2')).port, 'no port given').toBe('10250');
    expect(() => kubeletUrl(pod(['a']), undefined), 'a pod on no node').toThrow(
      'pod web does not have a host assigned',
    );
    expect(() => kubeletUrl(pod(['a']), node()), 'a node without address').toThrow(/InternalIP/);
  });

  test("the kubelet's path names the pod (and container); the query goes as it came", () => {
    const query = new URLSearchParams('command=ls&command=-l&stdout=true');
    const location = kubeletLocation(new URL('http://k:1'), 'exec', pod(['a']), query, 'a');
    expect(location.href, 'exec ls -l in a').toBe(
      'http://k:1/exec/default/web/a?command=ls&command=-l&stdout=true',
    );
  });

  test("the request's head: same method and upgrade headers, the kubelet's host, no credentials", () => {
    const request = {
      method: 'GET',
      rawHeaders: ['Host', 'api:6443', 'Authorization', 'Bearer x', 'Upgrade', 'websocket'],
    } as http.IncomingMessage;
    const location = new URL('http://127.0.0.1:10250/exec/a/b/c?stdout=1');
    expect(requestHead(request, location), 'the head for the kubelet').toBe(
      'GET /exec/a/b/c?stdout=1 HTTP/1.1\r\nHost: 127.0.0.1:10250\r\nUpgrade: websocket\r\n\r\n',
    );
  });

  test('the connection is handed to the kubelet and piped both ways, early bytes first', async () => {
    const front = http.createServer();
    front.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const location = new URL(`http://127.0.0.1:${kubeletPort}/exec/default/web/app`);
      const upgrade = { request, head, hijack: () => socket };
      Promise.resolve()
        .then(() => proxyUpgrade(upgrade, location))
        .catch(() => socket.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const { port } = front.address() as net.AddressInfo;
    const { head, socket } = await upgradeTo(`http://127.0.0.1:${port}/anything`, 'early');
    socket.write('-late');
    let echoed = head.slice(head.indexOf('\r\n\r\n') + 4);
    socket.on('data', (chunk: Buffer) => (echoed += chunk.toString()));
    await waitFor(() => echoed === 'early-late', 'the echo of both writes');
    socket.destroy();
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    expect(heads[0], 'what the kubelet got').toMatch(/^GET \/exec\/default\/web\/app /);
    expect(heads[0], 'no credentials passed on').not.toMatch(/authorization/i);
  });

  test('a kubelet that cannot be reached is a 500, and the connection is not taken', async () => {
    let taken = false;
    const upgrade = {
      request: {} as http.IncomingMessage,
      head: Buffer.alloc(0),
      hijack: () => ((taken = true), new net.Socket()),
    };
    const gone = new URL('http://127.0.0.1:1/exec/a/b/c');
    await expect(proxyUpgrade(upgrade, gone), 'connecting to port 1').rejects.toMatchObject({
      code: 500,
      message: expect.stringMatching(/^error dialing backend: .*ECONNREFUSED/),
    });
    expect(taken, 'the connection taken').toBe(false);
  });

  describe('through the API server', () => {
    let server: RunningApiServer;

    beforeEach(async () => {
      server = await startApiServer({ connecters: podConnecters() });
      const created = await send(
        server.url,
        'POST',
        '/api/v1/nodes',
        node('127.0.0.1', kubeletPort),
      );
      const stored = JSON.parse(created.text) as KubeObject;
      await send(server.url, 'PUT', '/api/v1/nodes/node-1/status', {
        ...stored,
        ...node('127.0.0.1', kubeletPort),
        metadata: stored.metadata,
      });
      await send(server.url, 'POST', '/api/v1/namespaces/default/pods', pod(['app']));
    });

    afterEach(() => server.close());

    test('the connecters are exec, attach and portforward', () => {
      expect(
        podConnecters().map((c) => c.subresource),
        'their subresources',
      ).toEqual(['exec', 'attach', 'portforward']);
    });

    test("pods/exec reaches the kubelet's /exec of the pod's container, with the query", async () => {
      const path = '/api/v1/namespaces/default/pods/web/exec?command=env&stdout=true';
      const { head, socket } = await upgradeTo(`${server.url}${path}`);
      socket.destroy();
      expect(head.split('\r\n')[0], "the kubelet's answer, passed back").toBe(
        'HTTP/1.1 101 Switching Protocols',
      );
      expect(heads[0], 'the request the kubelet got').toMatch(
        /^GET \/exec\/default\/web\/app\?command=env&stdout=true /,
      );
    });

    test('pods/portforward reaches /portForward of the pod', async () => {
      const path = '/api/v1/namespaces/default/pods/web/portforward';
      const { socket } = await upgradeTo(`${server.url}${path}`);
      socket.destroy();
      expect(heads[0], 'the request the kubelet got').toMatch(/^GET \/portForward\/default\/web /);
    });

    test('a request that does not upgrade, or names a missing container, is a 400 Status', async () => {
      const plain = await send(
        server.url,
        'GET',
        '/api/v1/namespaces/default/pods/web/exec?command=ls',
      );
      expect([plain.status, JSON.parse(plain.text).message], 'exec without upgrade').toEqual([
        400,
        'Upgrade request required',
      ]);
      const path = '/api/v1/namespaces/default/pods/web/exec?command=ls&container=db';
      const { head, socket } = await upgradeTo(`${server.url}${path}`);
      socket.destroy();
      expect(head.split('\r\n')[0], 'the answer to an upgrade for container db').toBe(
        'HTTP/1.1 400 Bad Request',
      );
      expect(heads, 'requests the kubelet got').toEqual([]);
    });
  });
});

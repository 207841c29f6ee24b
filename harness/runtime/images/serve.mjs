// The HTTP server behind kata/echo and kata/slow-start (a helper module, not an image).
// It listens on the pod IP and on each of the container's ports, and answers every request with
// who it is (pod name, namespace, IP) and what was asked (method, path), so a test or a learner
// with curl can see which pod a Service sent them to. GET /healthz answers 200 "ok" for probes.
// What a container was given can be asked for too: GET /env answers its environment (NAME=value
// lines, sorted), and GET /files/<path> the contents of <path> as the container sees it (its
// volumes, under KATA_ROOT: /files/etc/app/greeting reads the file the pod mounted at /etc/app);
// PUT /files/<path> writes the request's body there (201), so a test can have a pod leave a file
// on its PersistentVolume and another pod read it back.
// On SIGTERM it stops accepting connections, finishes what is in flight and exits 0, as a
// well-behaved server does in its termination grace period.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { hostPathForWrite, hostPathOf } from './container-files.mjs';

/** `--name=value` arguments as a map of lists (a flag may repeat, e.g. --port). */
export function flags(argv) {
  const found = new Map();
  for (const argument of argv) {
    const match = /^--([^=]+)=(.*)$/.exec(argument);
    if (!match) continue;
    found.set(match[1], [...(found.get(match[1]) ?? []), match[2]]);
  }
  return found;
}

/** The ports to listen on: --port flags, else the containerPorts the runtime passes, else $PORT, else 8080. */
export function portsToServe(options) {
  const fromFlags = options.get('port') ?? [];
  const fromRuntime = (process.env.KATA_CONTAINER_PORTS ?? '').split(',').filter(Boolean);
  const ports = fromFlags.length
    ? fromFlags
    : fromRuntime.length
      ? fromRuntime
      : [process.env.PORT ?? '8080'];
  return ports.map(Number);
}

/** The environment as `env` prints it, sorted: NAME=value, one a line. */
function environmentLines() {
  const names = Object.keys(process.env).sort();
  return names.map((name) => `${name}=${process.env[name]}\n`).join('');
}

/** Answers the contents of `path` as the container sees it, or 404 saying why not. */
async function answerFile(path, response) {
  try {
    const contents = await readFile(hostPathOf(path));
    response.writeHead(200, { 'content-type': 'text/plain' }).end(contents);
  } catch (error) {
    const why = error.code === 'ENOENT' ? 'No such file or directory' : error.message;
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`${path}: ${why}\n`);
  }
}

/** Writes the request's body to `path` as the container sees it: 201, or 500 saying why not. */
function writeFileFrom(path, request, response) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const body = Buffer.concat(chunks);
      await writeFile(hostPathForWrite(path), body);
      response
        .writeHead(201, { 'content-type': 'text/plain' })
        .end(`${path}: ${body.length} bytes\n`);
    } catch (error) {
      const why = error.code === 'ENOENT' ? 'No such file or directory' : error.message;
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${path}: ${why}\n`);
    }
  });
}

export function serveEcho(argv) {
  const options = flags(argv);
  const ip = options.get('listen')?.[0] ?? process.env.POD_IP ?? '127.0.0.1';
  const who = {
    pod: process.env.POD_NAME ?? '',
    namespace: process.env.POD_NAMESPACE ?? '',
    ip,
    hostname: process.env.HOSTNAME ?? '',
  };
  const text = options.get('text')?.[0];
  const servers = portsToServe(options).map((port) => {
    const server = createServer((request, response) => {
      if (request.url === '/healthz') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      if (request.url === '/env') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(environmentLines());
        return;
      }
      if (request.url?.startsWith('/files/') && request.method === 'PUT') {
        writeFileFrom(decodeURIComponent(request.url.slice('/files'.length)), request, response);
        return;
      }
      if (request.url?.startsWith('/files/')) {
        void answerFile(decodeURIComponent(request.url.slice('/files'.length)), response);
        return;
      }
      // The address the call came from: a Service with externalTrafficPolicy Local keeps it.
      const client = request.socket.remoteAddress?.replace(/^::ffff:/, '');
      const answer = { ...who, port, method: request.method, path: request.url, client };
      if (text !== undefined) answer.text = text;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer) + '\n');
    });
    server.on('error', (error) => {
      if (error.code === 'EACCES' && port < 1024)
        console.error(
          `cannot listen on ${ip}:${port}: ports below 1024 need privileges; use a containerPort of 1024 or more (e.g. 8080)`,
        );
      else if (error.code === 'EADDRNOTAVAIL')
        console.error(
          `cannot listen on ${ip}:${port}: the address is not up (on macOS: sudo ifconfig lo0 alias ${ip} up)`,
        );
      else console.error(`cannot listen on ${ip}:${port}: ${error.message}`);
      process.exit(1);
    });
    server.listen(port, ip, () => console.log(`listening on ${ip}:${port}`));
    return server;
  });
  process.on('SIGTERM', () => {
    console.log('received SIGTERM, closing');
    let open = servers.length;
    for (const server of servers) {
      server.close(() => {
        if (--open === 0) process.exit(0);
      });
      server.closeIdleConnections();
    }
  });
}

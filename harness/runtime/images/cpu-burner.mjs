// kata/cpu-burner: an HTTP server whose every request costs CPU, like the php-apache image of
// Kubernetes' HorizontalPodAutoscaler walkthrough. A request burns the CPU time it asks for,
// `/?ms=N` (100 ms unless said, at most 5000), in a hashing loop, then answers with its pod name
// and the milliseconds burned. Load through a Service raises the pods' CPU, which the metrics
// server sees and the autoscaler acts on (chapter 14). Flags as kata/echo: --port=N, --listen=IP.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { flags, portsToServe } from './serve.mjs';

/** Hashes until `ms` milliseconds of wall time have passed, on this one thread: a busy core. */
function burn(ms) {
  const until = performance.now() + ms;
  let digest = Buffer.alloc(32);
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex').slice(0, 8);
}

const options = flags(process.argv.slice(2));
const ip = options.get('listen')?.[0] ?? process.env.POD_IP ?? '127.0.0.1';
for (const port of portsToServe(options)) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://cpu-burner');
    if (url.pathname === '/healthz') return response.writeHead(200).end('ok\n');
    const asked = Number(url.searchParams.get('ms') ?? 100);
    if (!Number.isFinite(asked) || asked < 0) {
      return response
        .writeHead(400)
        .end(`ms must be a number of milliseconds, not "${url.searchParams.get('ms')}"\n`);
    }
    const ms = Math.min(asked, 5000);
    const hash = burn(ms);
    const answer = { pod: process.env.POD_NAME ?? '', ip, port, ms, hash };
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer) + '\n');
  });
  server.on('error', (error) => {
    console.error(`cannot listen on ${ip}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, ip, () => console.log(`burning CPU per request on ${ip}:${port}`));
}

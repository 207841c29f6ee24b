// The pod behind the proxy benchmark's Service, run as a process of its own as a real pod is: a
// sink on one port that answers "done" once it has read the bytes it was told to expect, and a
// 64-byte echo on another. It prints its two ports as JSON on stdout, then serves until killed.
import { createServer, type Server } from 'node:net';

const [podIp = '127.244.99.2', expected = String(256 * 1024 * 1024)] = process.argv.slice(2);
const bulkBytes = Number(expected);

const sink = createServer((socket) => {
  let seen = 0;
  socket.on('data', (chunk) => {
    seen += chunk.length;
    if (seen >= bulkBytes) socket.end('done');
  });
});
const echo = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
});

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, podIp, () => resolve((server.address() as { port: number }).port)),
  );
console.log(JSON.stringify({ sink: await listen(sink), echo: await listen(echo) }));

// A yardstick for the proxy benchmark: the least a Node relay can do, in a process of its own.
// Each connection to it is joined to the target, bytes written on as they are read, nothing else:
// no Services, no endpoints, no back-pressure. What the proxy achieves beside this, in the same
// run, shows what is the proxy's cost and what is the cost of any relay on this machine.
// Arguments: the address to listen on and the target (host:port). Prints its port, then serves.
import { createConnection, createServer } from 'node:net';

const [host = '127.0.0.1', target = ''] = process.argv.slice(2);
const [targetHost, targetPort] = target.split(':');

const relay = createServer({ noDelay: true }, (client) => {
  const upstream = createConnection({ host: targetHost, port: Number(targetPort), noDelay: true });
  client.on('data', (chunk) => upstream.write(chunk));
  upstream.on('data', (chunk) => client.write(chunk));
  for (const [socket, other] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    socket.on('error', () => other.destroy());
    socket.on('close', () => other.destroy());
  }
});
relay.listen(0, host, () =>
  console.log(JSON.stringify((relay.address() as { port: number }).port)),
);

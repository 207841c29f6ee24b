// The two measures of the proxy benchmark (../proxy.ts), shared by its rows: bulk throughput to a
// sink, and 64-byte request/response round trips to an echo, each over one TCP connection. The
// pod side is proxy-pod.ts.
import { createConnection, type Socket } from 'node:net';

/** Bytes one bulk transfer writes; proxy-pod.ts is told the same number. */
export const BULK_BYTES = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);
const ROUND_TRIPS = 10_000;

export function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes BULK_BYTES with back-pressure, waits for the sink's answer; bytes per second. */
export async function bulk(host: string, port: number): Promise<number> {
  const socket = await connect(host, port);
  const started = performance.now();
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  for (let sent = 0; sent < BULK_BYTES; sent += CHUNK.length) {
    if (!socket.write(CHUNK)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await answered;
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return BULK_BYTES / seconds;
}

/** ROUND_TRIPS 64-byte ping-pongs on one connection: rate per second and p50 in microseconds. */
export async function requestResponse(host: string, port: number) {
  const socket = await connect(host, port);
  socket.setNoDelay(true);
  const message = Buffer.alloc(64, 1);
  const times: number[] = [];
  const started = performance.now();
  for (let n = 0; n < ROUND_TRIPS; n++) {
    const sent = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got >= 64) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.write(message);
    });
    times.push(performance.now() - sent);
  }
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  times.sort((a, b) => a - b);
  return { rate: ROUND_TRIPS / seconds, p50: times[Math.floor(times.length / 2)]! * 1000 };
}

/** The middle value. */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

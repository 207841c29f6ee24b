// A helper that lives in a network namespace of its own, for the tests that touch the kernel's
// tables (chapter 09b): started as `unshare -n node netns-agent.mjs`, it brings the namespace's
// loopback up and then does what the test asks, one JSON line per request on stdin, one JSON line
// per answer on stdout. The namespace ends with it, rules and all: the host's tables are never
// touched, and nothing is left behind even if the test run is killed (stdin closes, it exits).
//
//   {"id":1,"op":"run","program":"iptables-save","args":[],"input":""}  -> {"id":1,"code":0,"stdout":"...","stderr":""}
//   {"id":2,"op":"serve","address":"127.244.0.2:8080"}                  -> {"id":2}   (answers its address, then closes)
//   {"id":3,"op":"stop","address":"127.244.0.2:8080"}                   -> {"id":3}
//   {"id":4,"op":"dial","address":"127.96.0.10:80","count":3,"from":"127.244.0.9"}
//                                                     -> {"id":4,"answers":["127.244.0.2:8080","ECONNREFUSED",...]}
import { spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { createInterface } from 'node:readline';

spawnSync('ip', ['link', 'set', 'lo', 'up']);
const servers = new Map();

function run({ program, args, input }) {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

function split(address) {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function serve({ address }) {
  const { host, port } = split(address);
  const server = createServer((socket) => socket.end(address));
  servers.set(address, server);
  return new Promise((resolve) => server.listen(port, host, () => resolve({})));
}

function dialOnce(address, from) {
  return new Promise((resolve) => {
    const socket = createConnection({ ...split(address), ...(from ? { localAddress: from } : {}) });
    let answer = '';
    socket.setTimeout(5000, () =>
      socket.destroy(Object.assign(new Error(), { code: 'ETIMEDOUT' })),
    );
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', (error) => resolve(error.code ?? error.message));
  });
}

async function dial({ address, count = 1, from }) {
  const answers = [];
  for (let i = 0; i < count; i++) answers.push(await dialOnce(address, from));
  return { answers };
}

async function stop({ address }) {
  const server = servers.get(address);
  servers.delete(address);
  await new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return {};
}

const ops = { run, serve, dial, stop };
createInterface({ input: process.stdin }).on('line', async (line) => {
  const request = JSON.parse(line);
  let answer;
  try {
    answer = await ops[request.op](request);
  } catch (error) {
    answer = { error: error.message };
  }
  process.stdout.write(JSON.stringify({ id: request.id, ...answer }) + '\n');
});
process.stdin.on('end', () => process.exit(0));

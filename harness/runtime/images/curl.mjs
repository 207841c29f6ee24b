// kata/curl: a client inside the cluster. Fetches a URL and logs the answer, once or in a loop, so
// that `kubectl logs` shows which pod answered a Service's name.
//
//   kata/curl http://web.default:8080/                 once; exits 0 on an answer, 1 on a failure
//   kata/curl http://web.default:8080/ --every=2       every 2 seconds, until stopped
//   kata/curl http://web.default:8080/ --every=1 --count=5
//
// The URL is the first argument that is not a flag, else $URL. --timeout=SECONDS (5) bounds each
// request. Each request is one line: "GET <url>: 200 <the answer's first line>", or
// "GET <url>: failed: <code> <message>" (ENOTFOUND: the name did not resolve). A new connection
// each time, so that a Service's requests spread over its pods. Names are resolved by the pod's
// resolver (pod-resolver.mjs), with the search list of the pod's namespace.
import http from 'node:http';
import { flags } from './serve.mjs';

const argv = process.argv.slice(2);
const options = flags(argv);
const url = argv.find((argument) => !argument.startsWith('--')) ?? process.env.URL;
const number = (name, fallback) => Number(options.get(name)?.at(-1) ?? fallback);
const every = number('every', 0);
const count = number('count', every > 0 ? Infinity : 1);
const timeoutMs = number('timeout', 5) * 1000;

if (!url || !/^http:\/\//.test(url)) {
  console.error(
    'usage: kata/curl http://HOST[:PORT]/PATH [--every=SECONDS] [--count=N] [--timeout=SECONDS]',
  );
  process.exit(2);
}

/** One GET: resolves with the line to log and whether it was answered. */
function fetchOnce() {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        const first = body.split('\n')[0].slice(0, 200);
        resolve({ ok: true, line: `GET ${url}: ${response.statusCode} ${first}` });
      });
    });
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', (error) =>
      resolve({ ok: false, line: `GET ${url}: failed: ${error.code ?? 'ERROR'} ${error.message}` }),
    );
  });
}

let failed = false;
for (let done = 0; done < count; done++) {
  if (done > 0) await new Promise((resolve) => setTimeout(resolve, every * 1000));
  const { ok, line } = await fetchOnce();
  (ok ? console.log : console.error)(line);
  failed = !ok;
}
process.exitCode = failed ? 1 : 0;

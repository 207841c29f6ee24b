// Which pod answered: the echo image (harness/runtime/images/echo.mjs) replies with a JSON body
// naming its pod, so a test that sends requests through a Service can tell the pods apart.
import http from 'node:http';

/**
 * Which pod answers a request on a new connection, or undefined when none does. A Service balances
 * connections, not requests: a kept-alive connection would meet the same pod every time.
 */
export function answeringPod(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host, port, path: '/', agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        try {
          resolve((JSON.parse(body) as { pod?: string }).pod);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => request.destroy());
  });
}

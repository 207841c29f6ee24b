// Small HTTP helpers for tests that talk to a store (the kata store or a real etcd) the way curl
// would: raw requests, raw answers. Tests check status codes, headers and bodies byte for byte,
// so nothing here interprets what comes back beyond splitting lines.
import http from 'node:http';
import { LineQueue } from '../lines.ts';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Sends one request and reads the whole answer. A body that is not a string is sent as JSON. */
export function send(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload =
    body === undefined
      ? undefined
      : typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, { method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** POST with a JSON body (or a raw string), as every etcd API call is. */
export function post(url: string, path: string, body?: unknown): Promise<Answer> {
  return send(url, 'POST', path, body ?? '');
}

/** POSTs and parses the answer, failing with the whole answer when it is not a 200. */
export async function call<T = any>(url: string, path: string, body?: unknown): Promise<T> {
  const answer = await post(url, path, body);
  if (answer.status !== 200) {
    throw new Error(
      `POST ${path} ${JSON.stringify(body)} answered ${answer.status}: ${answer.text}`,
    );
  }
  return JSON.parse(answer.text) as T;
}

/** Base64, as etcd's JSON carries keys and values. */
export const b64 = (text: string) => Buffer.from(text).toString('base64');
export const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/**
 * A streaming call (watch, keep-alive): the request body stays open so more messages can be sent,
 * and the answer is read one line at a time.
 */
export class LineStream {
  /** The answer's status and headers, once they arrive. */
  readonly response: Promise<{ status: number; headers: http.IncomingHttpHeaders }>;
  private readonly request: http.ClientRequest;
  private readonly lines = new LineQueue();

  constructor(url: string, path: string) {
    let answered!: (response: { status: number; headers: http.IncomingHttpHeaders }) => void;
    this.response = new Promise((resolve) => (answered = resolve));
    this.request = http.request(`${url}${path}`, { method: 'POST', agent: false }, (response) => {
      answered({ status: response.statusCode!, headers: response.headers });
      this.lines.follow(response);
    });
    this.request.on('error', () => this.lines.end());
    this.request.flushHeaders();
  }

  /** Writes one message (an object is sent as JSON) to the request body. */
  send(message: unknown): this {
    this.request.write(typeof message === 'string' ? message : JSON.stringify(message));
    return this;
  }

  /** Ends the request body; the answer may go on (a watch does). */
  endBody(): this {
    this.request.end();
    return this;
  }

  /** The next line of the answer, parsed; undefined once the answer has ended. */
  async next(what = 'the next line', timeoutMs = 10_000): Promise<any> {
    const line = await this.lines.next(what, timeoutMs);
    return line === undefined ? undefined : JSON.parse(line);
  }

  /** Every line left, once the answer has ended. */
  async rest(timeoutMs = 10_000): Promise<any[]> {
    const lines: any[] = [];
    for (;;) {
      const line = await this.next('the end of the stream', timeoutMs);
      if (line === undefined) return lines;
      lines.push(line);
    }
  }

  close(): void {
    this.request.destroy();
  }
}

// kata/echo: an HTTP server that answers every request with its pod name, namespace, IP and the
// path asked for. Flags: --port=N (repeatable; default: the containerPorts, else $PORT, else 8080),
// --listen=IP (default $POD_IP), --text=S (added to every answer).
import { serveEcho } from './serve.mjs';

serveEcho(process.argv.slice(2));

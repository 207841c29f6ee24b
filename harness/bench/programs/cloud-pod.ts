// The pod behind the cloud benchmark's load balancer, in a process of its own as a real pod is: an
// HTTP server on the address it is given that answers every request with "ok". It prints its port
// as JSON on stdout, then serves until killed.
import http from 'node:http';

const [podIp = '127.244.98.2'] = process.argv.slice(2);
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  response.end('ok');
});
server.listen(0, podIp, () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});

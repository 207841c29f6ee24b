// Chapter 15b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const rules = 'Host and path rules > ';
const backends = 'Backends > ';
const proxy = 'The reverse proxy > ';
const tls = 'TLS and SNI > ';
const controller = 'The ingress controller > ';

export const chapter15B: Chapter = {
  id: '15b',
  slug: 'ingress',
  title: 'Ingress',
  builds:
    'an ingress controller: Ingress and IngressClass rules by host and path (Exact, Prefix, ImplementationSpecific) in the order the specification gives, a real HTTP reverse proxy to the pods with X-Forwarded-* headers, TLS from Secrets chosen by SNI, and the Ingress status published from its Service',
  stages: [
    {
      title: 'Classes, hosts and paths',
      from: `${rules}an Ingress is served when its class is one of this controller's, or it names none and the controller's class is default`,
    },
    {
      title: 'Which route wins',
      from: `${rules}an Ingress's routes: one per path of each rule, with the rule's host; a missing path is /`,
      functions: ['routesOf', 'compareRoutes', 'chooseRoute'],
    },
    {
      title: 'Backends',
      from: `${backends}a backend's port is the Service's port of that number, or of that name`,
    },
    {
      title: 'The reverse proxy',
      from: `${proxy}X-Forwarded-For appends the client, and Host, Proto and Port say how it asked`,
    },
    {
      title: 'TLS with SNI',
      from: `${tls}a kubernetes.io/tls Secret gives its tls.crt and tls.key, decoded; another type gives nothing`,
    },
    {
      title: 'The published address and the table',
      from: `${controller}the published address: a LoadBalancer's ingress, a NodePort's external IPs or cluster IP, a ClusterIP's`,
      functions: ['publishedAddresses', 'proxyTableOf'],
    },
    {
      title: 'Serving HTTP and HTTPS',
      from: `${controller}the status is written only when its addresses differ`,
      functions: ['sameAddresses', 'serveProxy'],
    },
    {
      title: 'The controller',
      from: `${controller}an Ingress of the controller's class is served through the proxy, and its status is the published Service's address`,
      functions: ['startIngressController'],
    },
  ],
  hints: {
    [`${rules}an Ingress is served when its class is one of this controller's, or it names none and the controller's class is default`]:
      'Keep the classes whose spec.controller is yours. The class the Ingress names is spec.ingressClassName, else the kubernetes.io/ingress.class annotation; none named: serve it when one of your classes has is-default-class "true". Lesson: § Host and path rules.',
    [`${rules}a request names its host without the port, in lower case`]:
      'Lower-case the Host header; an IPv6 literal keeps its brackets; otherwise drop a trailing ":<digits>". Lesson: § Host and path rules.',
    [`${rules}a host matches itself; a wildcard matches exactly one more label; no host matches all`]:
      'An empty rule host takes anything. "*.example.com": the host ends with ".example.com" and what is in front is one label (not empty, no dot). Lesson: § Host and path rules.',
    [`${rules}Exact compares whole paths; Prefix compares path elements, ignoring a trailing slash`]:
      'Exact: string equality. Prefix: split both on "/" and drop empty elements; the rule\'s elements must be the first elements of the request\'s. Lesson: § Host and path rules.',
    [`${rules}ImplementationSpecific is, in this controller, a plain string prefix`]:
      'path.startsWith(rulePath), like an nginx location. Lesson: § Host and path rules.',
    [`${rules}an Ingress's routes: one per path of each rule, with the rule's host; a missing path is /`]:
      'flatMap over spec.rules, then over rule.http.paths; host "" when the rule has none, path "/" when the path has none; keep only service backends. Lesson: § Host and path rules.',
    [`${rules}precedence: the named host, then the wildcard, then any host; the longest path; Exact before Prefix`]:
      'Chain comparisons with ||: host rank (name 2, wildcard 1, none 0) descending, path length descending, path type (Exact, Prefix, ImplementationSpecific), creation time, then namespace/name. Lesson: § Host and path rules.',
    [`${rules}a request takes the best route of the most specific host that matches, or none`]:
      'Sort with compareRoutes; the first route whose host matches names the host whose rules apply; then the first route of that same host whose path matches (drop the query first). Lesson: § Host and path rules.',
    [`${backends}a backend's port is the Service's port of that number, or of that name`]:
      'find in spec.ports: by port when port.number is set, else by name. Lesson: § Backends.',
    [`${backends}the addresses are the ready endpoints of the Service's slices, on the slice port of the same name`]:
      'Only slices labelled kubernetes.io/service-name=<service>; the slice port whose name equals the Service port\'s name ("" when unnamed); every address of each endpoint whose conditions.ready is not false, as "ip:port", sorted. Lesson: § Backends.',
    [`${backends}requests go to a backend's addresses in turn, each backend counting on its own`]:
      'A Map from backend to a counter; answer addresses[counter % length] and add one. Lesson: § Backends.',
    [`${proxy}X-Forwarded-For appends the client, and Host, Proto and Port say how it asked`]:
      'request.socket.remoteAddress appended after ", " to an incoming X-Forwarded-For; Host header; socket.encrypted for the proto; socket.localPort. Lesson: § The reverse proxy.',
    [`${proxy}requests go by host and path to the pods of their backend, with the X-Forwarded headers`]:
      'chooseRoute with requestHost(Host) and request.url; pick an address; http.request to it with the same method, path and headers plus forwardedHeaders; pipe the request in and the answer out (writeHead with its status and headers). Lesson: § The reverse proxy.',
    [`${proxy}a backend's requests are spread over its pods in turn`]:
      'One RoundRobin for the proxy, keyed by namespace/service:port. Lesson: § The reverse proxy.',
    [`${proxy}no matching rule: the default backend, else 404`]:
      'No route: use table.defaultBackend; none either: answer 404 yourself. Lesson: § The reverse proxy.',
    [`${proxy}503 when the backend has no ready endpoint; 502 when its pod cannot be reached`]:
      'No address from RoundRobin: 503. The upstream request\'s "error" event before any header was sent: 502. Lesson: § The reverse proxy.',
    [`${tls}a kubernetes.io/tls Secret gives its tls.crt and tls.key, decoded; another type gives nothing`]:
      'Check type === "kubernetes.io/tls" and both keys in data; Buffer.from(value, "base64").toString(). Lesson: § TLS and SNI.',
    [`${tls}each TLS host gets the key pair of its Ingress's Secret; the first Ingress to claim a host keeps it`]:
      "For each Ingress, each spec.tls entry: look its secretName up in the Ingress's namespace, keyPairOf, and set each of its hosts unless the map has it already. Lesson: § TLS and SNI.",
    [`${tls}a server name's certificate is its own host's, else a matching wildcard's`]:
      'Lower-case the name, try the map directly, then the "*." entries with hostMatches. Lesson: § TLS and SNI.',
    [`${tls}one HTTPS port shows each client the certificate of the name it asked for, or the default`]:
      'SNICallback(serverName, done): certificateFor or the fallback, tls.createSecureContext({ cert, key }) (cached per certificate), done(null, context). Lesson: § TLS and SNI.',
    [`${controller}the published address: a LoadBalancer's ingress, a NodePort's external IPs or cluster IP, a ClusterIP's`]:
      'switch on spec.type: ExternalName → hostname; NodePort → externalIPs or the clusterIP; LoadBalancer → status.loadBalancer.ingress (ip or hostname) then externalIPs; else the clusterIP. Lesson: § The ingress controller.',
    [`${controller}the status is written only when its addresses differ`]:
      'Compare status.loadBalancer.ingress (or []) with the addresses, e.g. as JSON. Lesson: § The ingress controller.',
    [`${controller}the proxy's table: every served Ingress's routes, the oldest default backend, endpoints from slices`]:
      'Sort by creationTimestamp; routes are routesOf each; the first with spec.defaultBackend.service gives the default; endpoints calls endpointsOf(serviceOf(...), slicesIn(namespace), port). Lesson: § The ingress controller.',
    [`${controller}the proxy listens on HTTP and on HTTPS, where each host gets its own certificate`]:
      'http.createServer and https.createServer({ ...defaultCertificate, SNICallback: sniCallback(certificates, defaultCertificate) }), both with createIngressProxy(table).handle; listen on the given host and port (0: read the port chosen from server.address()); close() closes both and the proxy. Lesson: § The ingress controller.',
    [`${controller}an Ingress of the controller's class is served through the proxy, and its status is the published Service's address`]:
      'Five informers; a controller whose reconcile(key) writes the status (updateStatus) when it differs, fed by Ingresses, classes and the published Service; wait for the sync, then listen with http and https (SNICallback) over createIngressProxy(() => proxyTableOf(...)). Lesson: § The ingress controller.',
  },
};

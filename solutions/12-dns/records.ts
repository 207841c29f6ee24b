// The records of cluster DNS: which answer a question gets, from the Services and endpoints the
// DNS server knows.
//
// This is the heart of CoreDNS's kubernetes plugin, after the Kubernetes DNS specification
// (schema 1.1.0). Every name it answers for lies under the cluster domain, the *zone*
// (cluster.local):
//
//   <service>.<ns>.svc.<zone>             A: the ClusterIP; a headless Service's ready endpoints;
//                                         CNAME: an ExternalName Service's external name
//   <hostname>.<service>.<ns>.svc.<zone>  A: one endpoint of a headless Service (its hostname, or
//                                         its IP with dashes, 10-244-0-5)
//   _<port>._<proto>.<service>.<ns>.svc.<zone>  SRV: a named port, and who serves it
//   <a>-<b>-<c>-<d>.<ns>.pod.<zone>       A: a pod by its IP with dashes (CoreDNS's "pods insecure")
//   dns-version.<zone>                    TXT: the schema version
//   <d>.<c>.<b>.<a>.in-addr.arpa          PTR: the name of a ClusterIP or an endpoint IP
//
// A name either exists or it does not. A name that does not is NXDOMAIN; a name that exists but has
// no record of the type asked (an AAAA question for an IPv4 Service) is NOERROR with no answers,
// called NODATA. Resolvers cache both, so telling them apart matters: NXDOMAIN makes a resolver
// move on to the next search domain, NODATA ends the search. Names are compared without regard to
// case, and answers carry the name as it was asked.
//
// The functions here are pure: they read the cluster through ClusterObjects (the server's informer
// caches, or plain lists in a test) and answer with dns-packet's record objects. A Service's
// endpoints are read in the shape of the older Endpoints object (chapter 07): subsets of ready and
// not-ready addresses with their ports. The server watches EndpointSlices, as CoreDNS does, and
// endpointsFromSlices turns a Service's slices into that shape.
import type { Answer, Question } from 'dns-packet';
import type {
  EndpointAddress,
  Endpoints,
  EndpointSlice,
  EndpointSubset,
  Service,
} from '../../harness/api/types.ts';

/** What the server knows of the cluster: its informers' caches, or plain lists in a test. */
export interface ClusterObjects {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  services(): Service[];
  allEndpoints(): Endpoints[];
}

export interface ZoneOptions {
  /** The cluster domain, without a trailing dot: cluster.local. */
  zone: string;
  /** How many seconds a resolver may keep an answer (and a negative one): 5, as CoreDNS. */
  ttl: number;
}

/** The response codes this server gives, by their names in RFC 1035 and dns-packet. */
export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** The answer to one question: a response code and the records of each section. */
export interface Reply {
  rcode: Rcode;
  answers: Answer[];
  /** Records the client will want next: the A records of an SRV answer's targets. */
  additionals: Answer[];
  /** Whether the name is this server's to answer (in the zone, or a reverse name it knows). */
  authoritative: boolean;
}

/** The version of the Kubernetes DNS specification these records follow. */
export const schemaVersion = '1.1.0';

// --- Names ------------------------------------------------------------------------------------

/** A name as compared: lower case, without the trailing dot. */
export function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * The labels of `name` in front of `zone`, in order: web.default.svc.cluster.local in cluster.local
 * is ["web", "default", "svc"]; the zone itself is []. Undefined for a name outside the zone.
 */
export function labelsIn(name: string, zone: string): string[] | undefined {
  const wanted = normalize(name);
  const suffix = normalize(zone);
  if (wanted === suffix) return [];
  if (!wanted.endsWith(`.${suffix}`)) return undefined;
  return wanted.slice(0, -suffix.length - 1).split('.');
}

/** What a name in the zone is about, read from its labels. */
export type ClusterName =
  | { kind: 'exists' } // the zone, svc.<zone>, <ns>.svc.<zone>, pod.<zone>: names with no records
  | { kind: 'version' }
  | { kind: 'service'; namespace: string; service: string }
  | { kind: 'endpoint'; namespace: string; service: string; endpoint: string }
  | { kind: 'port'; namespace: string; service: string; port: string; protocol: string }
  | { kind: 'pod'; namespace: string; ip: string };

/** Reads the labels labelsIn gave; undefined when no name of the schema has that shape. */
export function parseClusterName(labels: string[]): ClusterName | undefined {
  const [first, second, third, fourth] = labels;
  const last = labels.at(-1);
  if (labels.length === 0) return { kind: 'exists' };
  if (labels.length === 1 && first === 'dns-version') return { kind: 'version' };
  if (last === 'pod') {
    if (labels.length === 1) return { kind: 'exists' };
    const ip = labels.length === 3 ? dashedIp(first!) : undefined;
    return ip ? { kind: 'pod', namespace: second!, ip } : undefined;
  }
  if (last !== 'svc') return undefined;
  if (labels.length <= 2) return { kind: 'exists' };
  if (labels.length === 3) return { kind: 'service', namespace: second!, service: first! };
  if (labels.length === 4)
    return { kind: 'endpoint', namespace: third!, service: second!, endpoint: first! };
  if (labels.length === 5 && first!.startsWith('_') && second!.startsWith('_'))
    return {
      kind: 'port',
      port: first!.slice(1),
      protocol: second!.slice(1),
      service: third!,
      namespace: fourth!,
    };
  return undefined;
}

/** "10-244-0-5" as 10.244.0.5; undefined when it is not an IPv4 address with dashes. */
export function dashedIp(label: string): string | undefined {
  const parts = label.split('-');
  if (parts.length !== 4) return undefined;
  if (!parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.map(Number).join('.');
}

// --- Endpoints from EndpointSlices ------------------------------------------------------------

/** The label that names an EndpointSlice's Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/**
 * The endpoints of Service `namespace/name` from the slices labelled with its name: one subset a
 * slice, with the slice's ports; an endpoint whose ready condition is not false (a missing one
 * counts as ready) among the addresses, hostname kept, the others among the notReadyAddresses.
 * Slices of IPv6 or FQDN addresses are left out: A records hold IPv4. Undefined when the Service
 * has no slice.
 */
export function endpointsFromSlices(
  namespace: string,
  name: string,
  slices: EndpointSlice[],
): Endpoints | undefined {
  const mine = slices.filter(
    (slice) =>
      slice.metadata.namespace === namespace && slice.metadata.labels?.[serviceNameLabel] === name,
  );
  if (mine.length === 0) return undefined;
  const subsets: EndpointSubset[] = [];
  for (const slice of mine) {
    if (slice.addressType !== 'IPv4') continue;
    const addresses: EndpointAddress[] = [];
    const notReadyAddresses: EndpointAddress[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      const ready = endpoint.conditions?.ready !== false;
      for (const ip of endpoint.addresses)
        (ready ? addresses : notReadyAddresses).push({
          ip,
          ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}),
        });
    }
    const ports = (slice.ports ?? []).flatMap(({ name: portName, port, protocol }) =>
      port === undefined ? [] : [{ name: portName ?? '', port, protocol: protocol ?? 'TCP' }],
    );
    subsets.push({ addresses, notReadyAddresses, ports });
  }
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets };
}

// --- Records ----------------------------------------------------------------------------------

/** One A record. */
export function aRecord(name: string, ip: string, ttl: number): Answer {
  return { name, type: 'A', class: 'IN', ttl, data: ip };
}

/** The ready addresses of a Service's Endpoints (each IP once): the ones DNS gives out. */
export function readyAddresses(endpoints: Endpoints | undefined): EndpointAddress[] {
  const seen = new Map<string, EndpointAddress>();
  for (const subset of endpoints?.subsets ?? [])
    for (const address of subset.addresses ?? [])
      if (!seen.has(address.ip)) seen.set(address.ip, address);
  return [...seen.values()];
}

/** An endpoint's name inside its Service: its hostname, or else its IP with dashes. */
export function endpointHostname(address: EndpointAddress): string {
  return address.hostname || address.ip.replaceAll('.', '-');
}

/** Whether a Service is headless: it asked for no ClusterIP (clusterIP: None). */
export function isHeadless(service: Service): boolean {
  return service.spec.type !== 'ExternalName' && (service.spec.clusterIP ?? 'None') === 'None';
}

/** A name that exists, with no record of the type asked: NOERROR and no answers (NODATA). */
function noData(): Reply {
  return { rcode: 'NOERROR', answers: [], additionals: [], authoritative: true };
}

/** A name that does not exist. */
function noSuchName(): Reply {
  return { rcode: 'NXDOMAIN', answers: [], additionals: [], authoritative: true };
}

/** Records that answer the question. */
function found(answers: Answer[], additionals: Answer[] = []): Reply {
  return { rcode: 'NOERROR', answers, additionals, authoritative: true };
}

/**
 * `<service>.<ns>.svc.<zone>`, asked as `name` for `type`: the ClusterIP; a headless Service's
 * ready endpoints (NXDOMAIN when none is ready, as CoreDNS answers); an ExternalName Service's
 * CNAME, whatever the type asked.
 */
export function serviceReply(
  name: string,
  type: string,
  service: Service,
  endpoints: Endpoints | undefined,
  ttl: number,
): Reply {
  const { externalName, type: kind, clusterIP } = service.spec;
  if (kind === 'ExternalName')
    return found([{ name, type: 'CNAME', class: 'IN', ttl, data: normalize(externalName ?? '') }]);
  if (!isHeadless(service))
    return type === 'A' ? found([aRecord(name, clusterIP!, ttl)]) : noData();
  const ready = readyAddresses(endpoints);
  if (ready.length === 0) return noSuchName();
  return type === 'A' ? found(ready.map((address) => aRecord(name, address.ip, ttl))) : noData();
}

/**
 * `<endpoint>.<service>.<ns>.svc.<zone>`: the ready addresses of a headless Service whose
 * endpointHostname is `endpoint` (several when one hostname has several IPs). NXDOMAIN when none
 * is, or when the Service is not headless.
 */
export function endpointReply(
  name: string,
  type: string,
  service: Service,
  endpoints: Endpoints | undefined,
  endpoint: string,
  ttl: number,
): Reply {
  if (!isHeadless(service)) return noSuchName();
  const matching = readyAddresses(endpoints).filter(
    (address) => endpointHostname(address).toLowerCase() === endpoint,
  );
  if (matching.length === 0) return noSuchName();
  return type === 'A' ? found(matching.map((address) => aRecord(name, address.ip, ttl))) : noData();
}

/** Where a named port is: a port number and a target name. */
interface SrvTarget {
  port: number;
  target: string;
  ip: string;
}

/**
 * The targets of `_<port>._<proto>.<service>...`: for a ClusterIP Service, the Service's own name
 * and port; for a headless one, each ready endpoint's name with the endpoints' port of that name.
 */
export function srvTargets(
  service: Service,
  endpoints: Endpoints | undefined,
  portName: string,
  protocol: string,
  zone: string,
): SrvTarget[] {
  const servicePort = (service.spec.ports ?? []).find(
    (port) =>
      port.name?.toLowerCase() === portName && (port.protocol ?? 'TCP').toLowerCase() === protocol,
  );
  if (!servicePort || service.spec.type === 'ExternalName') return [];
  const serviceName = `${service.metadata.name}.${service.metadata.namespace}.svc.${zone}`;
  if (!isHeadless(service))
    return [{ port: servicePort.port, target: serviceName, ip: service.spec.clusterIP! }];
  const targets: SrvTarget[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? ''));
    if (!port) continue;
    for (const address of subset.addresses ?? [])
      targets.push({
        port: port.port,
        target: `${endpointHostname(address)}.${serviceName}`,
        ip: address.ip,
      });
  }
  return targets;
}

/** SRV records for the targets (priority 0, weight 100), with their A records as additionals. */
export function srvReply(name: string, type: string, targets: SrvTarget[], ttl: number): Reply {
  if (targets.length === 0) return noSuchName();
  if (type !== 'SRV') return noData();
  const answers: Answer[] = targets.map(({ port, target }) => ({
    name,
    type: 'SRV',
    class: 'IN',
    ttl,
    data: { priority: 0, weight: 100, port, target },
  }));
  return found(
    answers,
    targets.map(({ target, ip }) => aRecord(target, ip, ttl)),
  );
}

// --- Reverse names ----------------------------------------------------------------------------

/** The IPv4 address a reverse name stands for: 10.0.96.127.in-addr.arpa is 127.96.0.10. */
export function reverseIp(name: string): string | undefined {
  const labels = labelsIn(name, 'in-addr.arpa');
  if (!labels || labels.length !== 4) return undefined;
  return dashedIp(labels.reverse().join('-'));
}

/**
 * The name an IP belongs to: the Service whose ClusterIP it is, or else the endpoint of a
 * headless Service that has it (`<hostname>.<service>.<ns>.svc.<zone>`). Undefined when neither.
 */
export function ptrTarget(ip: string, objects: ClusterObjects, zone: string): string | undefined {
  for (const service of objects.services())
    if (service.spec.clusterIP === ip)
      return `${service.metadata.name}.${service.metadata.namespace}.svc.${zone}`;
  for (const endpoints of objects.allEndpoints()) {
    const { name, namespace } = endpoints.metadata;
    const service = objects.service(namespace!, name!);
    if (!service || !isHeadless(service)) continue;
    const address = readyAddresses(endpoints).find((candidate) => candidate.ip === ip);
    if (address) return `${endpointHostname(address)}.${name}.${namespace}.svc.${zone}`;
  }
  return undefined;
}

// --- The question -----------------------------------------------------------------------------

/**
 * Answers one question. A name outside the zone, or a reverse name of an IP the cluster does not
 * have, is not this server's (authoritative false, REFUSED or NXDOMAIN): the server forwards it
 * upstream when it has an upstream.
 */
export function answer(question: Question, objects: ClusterObjects, options: ZoneOptions): Reply {
  const { name, type } = question;
  const { zone, ttl } = options;
  const ip = reverseIp(name);
  if (ip !== undefined) {
    const target = ptrTarget(ip, objects, zone);
    if (target === undefined) return { ...noSuchName(), authoritative: false };
    return type === 'PTR'
      ? found([{ name, type: 'PTR', class: 'IN', ttl, data: target }])
      : noData();
  }
  const labels = labelsIn(name, zone);
  if (labels === undefined) return { ...noData(), rcode: 'REFUSED', authoritative: false };
  const parsed = parseClusterName(labels);
  if (parsed === undefined) return noSuchName();
  if (parsed.kind === 'exists') return noData();
  if (parsed.kind === 'version')
    return type === 'TXT'
      ? found([{ name, type: 'TXT', class: 'IN', ttl, data: [schemaVersion] }])
      : noData();
  if (parsed.kind === 'pod')
    return type === 'A' ? found([aRecord(name, parsed.ip, ttl)]) : noData();
  const service = objects.service(parsed.namespace, parsed.service);
  if (!service) return noSuchName();
  const endpoints = objects.endpoints(parsed.namespace, parsed.service);
  if (parsed.kind === 'service') return serviceReply(name, type, service, endpoints, ttl);
  if (parsed.kind === 'endpoint')
    return endpointReply(name, type, service, endpoints, parsed.endpoint, ttl);
  const targets = srvTargets(service, endpoints, parsed.port, parsed.protocol, zone);
  return srvReply(name, type, targets, ttl);
}

/**
 * The SOA record of the zone, sent in the authority section of a negative answer: its last field
 * (minimum) tells resolvers how long to cache that the name or record does not exist.
 */
export function soaRecord(zone: string, ttl: number): Answer {
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl,
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    },
  };
}

// Chapter 12's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter12: Chapter = {
  id: '12',
  slug: 'dns',
  title: 'Cluster DNS',
  builds:
    "CoreDNS's kubernetes plugin in small: A, SRV, PTR, CNAME and TXT records for Services and endpoints over UDP and TCP, and each pod's resolver configuration from its dnsPolicy",
  stages: [
    {
      title: 'Names and their parts',
      from: 'Records > names compare in lower case without the trailing dot; labelsIn gives the labels in front of the zone',
      functions: ['normalize', 'labelsIn', 'parseClusterName', 'dashedIp'],
    },
    {
      title: 'A and CNAME records for Services and endpoints',
      from: 'Records > a headless Service gives out its ready addresses, each named by its hostname or its dashed IP',
      functions: [
        'readyAddresses',
        'endpointHostname',
        'isHeadless',
        'endpointsFromSlices',
        'aRecord',
        'serviceReply',
        'endpointReply',
      ],
    },
    {
      title: 'SRV records for named ports',
      from: "Records > a named port's SRV target is the Service itself; an unnamed port or another protocol has none",
      functions: ['srvTargets', 'srvReply'],
    },
    {
      title: 'Reverse names, and the whole question',
      from: 'Records > a reverse name reads back as its IP; PTR names the Service of a ClusterIP or the endpoint of a headless one',
      functions: ['reverseIp', 'ptrTarget', 'answer'],
    },
    {
      title: 'The SOA record and the response header',
      from: "Records > a negative answer's SOA record tells how long to cache it",
      functions: ['soaRecord', 'responseFor'],
    },
    {
      title: 'UDP sizes, TCP frames and unreadable messages',
      from: 'The server > UDP answers are at most 512 bytes, or the size the OPT record announced; larger ones are truncated',
      functions: ['udpLimit', 'encodeForUdp', 'TcpFramer.push', 'frameForTcp', 'formatErrorFor'],
    },
    {
      title: 'Handling a message',
      from: "The server > handle answers a query's bytes with the response's bytes; what the cluster does not hold is NXDOMAIN",
      functions: ['DnsServer.objects', 'DnsServer.handle'],
    },
    {
      title: 'Listening on UDP',
      from: "The server > over UDP it answers from the Services it watches, and a new Service's name resolves as it is created",
      functions: ['DnsServer.start', 'DnsServer.listenUdp', 'DnsServer.listenTcp'],
    },
    {
      title: 'TCP, closing, and forwarding upstream',
      from: 'The server > a large answer is truncated over UDP and comes whole over TCP',
      functions: ['DnsServer.serveConnection', 'DnsServer.close', 'DnsServer.forward'],
    },
    {
      title: "Each pod's resolver configuration, and the real dig",
      from: 'Pod DNS > the search domains of a namespace: <ns>.svc, svc, then the cluster domain',
    },
  ],
  hints: {
    "The server > a headless Service's answer follows its Endpoints as pods become ready and go":
      'Nothing new if objects() reads the informers at each question: never copy the endpoints when the server starts. The test writes an EndpointSlice whose endpoints turn ready: false; endpointsFromSlices puts those among notReadyAddresses. Lesson: § The server.',
    'The server > several questions on one TCP connection are answered in the order asked':
      "Answers may be ready out of order (a forwarded one takes longer): chain each connection's writes on one promise, so each is written after the one before. Lesson: § The server.",
    "The server > handle answers a query's bytes with the response's bytes; what the cluster does not hold is NXDOMAIN":
      'Informers on services and endpointslices (all namespaces) made in the constructor, the slices with an index by "namespace/<kubernetes.io/service-name label>"; objects() reads a Service by "namespace/name" and its endpoints as endpointsFromSlices of its slices. handle: decode, answer(questions[0], objects(), this), responseFor, then encodeForUdp or encode. Lesson: § The server.',
    'The server > handle: garbage is FORMERR, and a response gets no answer at all':
      "dnsPacket.decode in a try (catch: formatErrorFor); a decoded packet of type 'response' answers undefined. Lesson: § The server.",
    'The server > handle: two questions are FORMERR, another opcode than QUERY is NOTIMP':
      'The opcode is (flags >> 11) & 0xf, 0 for QUERY. Make a reply of your own with that rcode, no records and authoritative false, and send it through responseFor. Lesson: § The server.',
    'The server > names outside the cluster are REFUSED without an upstream, and forwarded to one as they came':
      'A reply that is not authoritative, with options.upstream ("ip:port"): send the message bytes unchanged from a new udp4 socket; the first datagram back is the answer; close the socket. Lesson: § The server.',
    'The server > an upstream that does not answer in time: SERVFAIL':
      'A timer of upstreamTimeoutMs (2000 by default) that answers responseFor(query, SERVFAIL reply) and closes the socket; clear it when the answer comes. Lesson: § The server.',
    'The server > close ends the connections and frees the port':
      'Keep every TCP socket in a Set (removed on close); close() aborts the informers, destroys the sockets, closes the UDP socket and the TCP server, and may be called twice. Lesson: § The server.',
    'Records > names compare in lower case without the trailing dot; labelsIn gives the labels in front of the zone':
      'normalize: toLowerCase, then drop one trailing ".". labelsIn: normalize both; equal is []; otherwise the name must end with "." + zone (not just the zone\'s letters); split what is in front on ".". Lesson: § Records.',
    'Records > parseClusterName reads Services, endpoints, named ports, pods and the version name':
      'Decide on the last label and the count: [svc, ns, "svc"] is a service, four labels an endpoint, five starting with "_" twice a port (strip the "_"); [ip, ns, "pod"] a pod (dashedIp); ["dns-version"] the version. Lesson: § Records.',
    'Records > the zone, svc, a namespace and pod exist without records; other shapes do not exist':
      'The zone ([]), ["svc"], [ns, "svc"] and ["pod"] are { kind: "exists" }; anything else undefined. dashedIp: four parts of one to three digits, each at most 255. Lesson: § Records.',
    'Records > a headless Service gives out its ready addresses, each named by its hostname or its dashed IP':
      'readyAddresses: every subset\'s addresses (never notReadyAddresses), each IP once. endpointHostname: hostname, else the IP with "." replaced by "-". isHeadless: not ExternalName and clusterIP None (or missing). Lesson: § Records.',
    "Records > a Service's name answers with its ClusterIP; another type is NODATA":
      'serviceReply for a ClusterIP Service: type A gives one A record (name as asked, class IN, the ttl, data the ClusterIP); any other type NOERROR with no answers. authoritative is true, additionals []. Lesson: § Records.',
    "Records > a Service's EndpointSlices read as Endpoints: ready ones as addresses, hostname kept, other Services' slices left out":
      'Keep the slices in the namespace whose kubernetes.io/service-name label is the name (none: undefined) and whose addressType is IPv4. One subset a slice: each endpoint\'s addresses go to addresses unless conditions.ready is false (then notReadyAddresses), with its hostname; the ports as { name: name ?? "", port, protocol: protocol ?? "TCP" }. Lesson: § Records.',
    'Records > a headless Service answers with each ready endpoint, and NXDOMAIN while none is ready':
      'A headless Service: readyAddresses; none is NXDOMAIN (as CoreDNS answers); otherwise one A record per address for type A. Lesson: § Records.',
    'Records > an ExternalName Service is a CNAME to its external name, whatever the type asked':
      'Check ExternalName first: one CNAME record whose data is normalize(spec.externalName), for any type. Lesson: § Records.',
    "Records > an endpoint's own name answers with its address; unknown, or in a Service with a ClusterIP, it is NXDOMAIN":
      'endpointReply: only a headless Service has endpoint names; keep the ready addresses whose endpointHostname (lower case) is the label asked; none is NXDOMAIN. Lesson: § Records.',
    "Records > a named port's SRV target is the Service itself; an unnamed port or another protocol has none":
      'srvTargets: find the Service port whose name (lower case) and protocol (TCP when unset, lower case) match; an unnamed port never matches. A ClusterIP Service has one target: <svc>.<ns>.svc.<zone>, the port, the ClusterIP. Lesson: § Records.',
    "Records > a headless Service's named port has one SRV target per ready endpoint, with the endpoints' port":
      'A headless Service: for each subset, its port with the same name as the Service port, then each ready address: target <endpointHostname>.<svc>.<ns>.svc.<zone>. Lesson: § Records.',
    'Records > SRV records carry their targets, and the A records of the targets as additionals':
      'srvReply: no targets is NXDOMAIN; a type other than SRV is NODATA; else one SRV per target (priority 0, weight 100) and aRecord(target, ip) for each in additionals. Lesson: § Records.',
    'Records > a reverse name reads back as its IP; PTR names the Service of a ClusterIP or the endpoint of a headless one':
      'reverseIp: labelsIn(name, "in-addr.arpa"), four labels, reversed (dashedIp checks them). ptrTarget: first a Service with that clusterIP, then a ready address of a headless Service\'s Endpoints. Lesson: § Records.',
    'Records > answer: a Service asked in any case, answered with the name as asked':
      'answer: labelsIn, parseClusterName, look the Service up by namespace and name (both already lower case), then serviceReply with the name exactly as the question had it. Lesson: § Records.',
    'Records > answer: NXDOMAIN for a name that does not exist, NODATA for one that does':
      'parseClusterName undefined or no such Service: NXDOMAIN. { kind: "exists" }: NOERROR with no answers. An endpoint name goes to endpointReply, a port to srvTargets and srvReply. Lesson: § Records.',
    'Records > answer: named ports, pods, the schema version and reverse names':
      'A pod name answers with its IP for type A; dns-version a TXT whose data is [schemaVersion]; a reverse name (check it first) a PTR to ptrTarget. Lesson: § Records.',
    "Records > answer: names that are not the cluster's are not authoritative: REFUSED outside the zone, NXDOMAIN for an unknown IP":
      'Outside the zone: rcode REFUSED, authoritative false. A reverse name ptrTarget does not know: NXDOMAIN, authoritative false (the server forwards both when it has an upstream). Lesson: § Records.',
    "Records > a negative answer's SOA record tells how long to cache it":
      'soaRecord: name the zone, type SOA, class IN; data mname ns.dns.<zone>, rname hostmaster.<zone>, serial 1, refresh 7200, retry 1800, expire 86400, minimum the ttl. Lesson: § Records.',
    'The server > a response repeats the id and question, sets QR and AA, copies RD and carries the rcode':
      "flags = rcodeNumbers[rcode] | (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (query flags & dnsPacket.RECURSION_DESIRED); type 'response' sets QR. Lesson: § The server.",
    'The server > a negative answer carries the SOA of the zone; a query with OPT gets OPT back':
      "authorities: [soaRecord(zone, ttl)] when authoritative with no answers, else []. If the query's additionals hold a type OPT record, add one of your own (udpPayloadSize 1232). Lesson: § The server.",
    'The server > UDP answers are at most 512 bytes, or the size the OPT record announced; larger ones are truncated':
      'udpLimit: max(512, OPT udpPayloadSize). encodeForUdp: encode; too long, encode again with TRUNCATED_RESPONSE in the flags and empty answers, authorities and additionals. Lesson: § The server.',
    'The server > TCP messages are led by their length, and may arrive split anywhere or several at once':
      'Keep what is pending in a Buffer; while it holds two bytes and the whole message they announce, cut it off (readUInt16BE). frameForTcp: a 2-byte length (writeUInt16BE) then the message. Lesson: § The server.',
    'The server > a message that cannot be read gets FORMERR with its id; one too short for an id gets nothing':
      "formatErrorFor: under two bytes, undefined; else dnsPacket.encode({ id: readUInt16BE(0), type: 'response', flags: 1 }). Lesson: § The server.",
    "The server > over UDP it answers from the Services it watches, and a new Service's name resolves as it is created":
      'start: run the informers and waitForSync both, then a udp4 socket bound to address:port whose messages go to handle(message, "udp") and back to the sender. Lesson: § The server.',
    'The server > over UDP, garbage gets FORMERR and a response gets no answer, from the socket':
      'The UDP handler sends what handle answered, and nothing when it answered undefined. Lesson: § The server.',
    'The server > a large answer is truncated over UDP and comes whole over TCP':
      "serveConnection: the socket's data through a TcpFramer; each message's answer from handle(message, 'tcp') written with frameForTcp. Over TCP, handle encodes the response whole. Lesson: § The server.",
    'Pod DNS > the search domains of a namespace: <ns>.svc, svc, then the cluster domain':
      'Three strings: `${namespace}.svc.${domain}`, `svc.${domain}`, domain. Lesson: § Pod DNS.',
    'Pod DNS > ClusterFirst by default; on the host network it is Default, unless ClusterFirstWithHostNet':
      'None and Default as they are; ClusterFirst with hostNetwork is Default; ClusterFirstWithHostNet is ClusterFirst; and no cluster DNS at all means Default. Lesson: § Pod DNS.',
    "Pod DNS > a pod's dnsConfig is appended, each entry once; its options replace those of the same name":
      'A Set keeps order and drops repeats. Options in a Map keyed by the part before ":"; a pod option is "name:value", or the name alone. Cut to maxNameservers and maxSearchDomains. Lesson: § Pod DNS.',
    "Pod DNS > ClusterFirst: the cluster DNS, the cluster search domains then the node's, and ndots:5":
      "Base: servers clusterDns, searches clusterSearches(namespace, clusterDomain) then host.searches, options ['ndots:5']; then mergeDnsConfig with spec.dnsConfig. Lesson: § Pod DNS.",
    "Pod DNS > Default is the node's resolver; None is the pod's dnsConfig alone":
      'Default: base is settings.host; None: an empty base. Both then go through mergeDnsConfig. Lesson: § Pod DNS.',
    'The real dig > dig +short gets the records answer() gives, for every kind of name':
      'Nothing new to write if the earlier tests pass: compare what dig printed with answer(). A difference in a name usually means a missing trailing dot or a wrong case. Lesson: § The real dig.',
    'The real dig > dig shows NXDOMAIN and NODATA apart, authoritative, with the SOA; and asks over TCP':
      'dig prints the flags (qr aa rd) and the AUTHORITY SECTION from your header and authorities; +tcp goes through your TCP listener and framing. Lesson: § The real dig.',
  },
};

// Chapter 02's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter2: Chapter = {
  id: '02',
  slug: 'store-server',
  title: 'The store on the wire',
  builds:
    "the store behind etcd 3.4's JSON API on port 2379, a write-ahead log that makes it durable, and the client the API server uses",
  stages: [
    {
      title: "Encoding etcd's JSON",
      from: 'The wire format > a key-value is written with base64 bytes, 64-bit integers as strings and snake_case names',
      functions: ['encode'],
    },
    {
      title: "Decoding etcd's JSON",
      long: 'the decoder is one recursive walk over the schema: no test of it passes before the whole walk does',
      from: 'The wire format > input may use the proto names or their lowerCamel JSON names',
      functions: ['decode'],
    },
    {
      title: 'Routing, and the header every answer carries',
      long: "the server's skeleton (routing, the header, createStoreServer) answers its first request only once all of it is there",
      from: 'The gateway > routeOf sends each POST endpoint to its kind: unary calls, the watch stream, the keep-alive stream',
      functions: ['routeOf', 'memberHeader', 'createStoreServer'],
    },
    {
      title: 'Put, range and delete over HTTP',
      from: 'The gateway > a put answers with the header: cluster_id, member_id, revision and raft_term, as strings',
      functions: ['serveUnary'],
    },
    {
      title: 'Transactions and compaction over HTTP',
      from: 'The gateway > a txn runs its success branch when every compare holds',
      functions: ['checkRequestOps', 'errorAnswer'],
    },
    {
      title: "etcd's errors, and input that must not hurt",
      from: "Errors > errorAnswer keeps a StoreError's gRPC code and message, with the HTTP status etcd's gateway maps the code to",
      functions: ['requestBytes'],
    },
    {
      title: 'Splitting a stream into messages',
      from: 'Watch streams > JsonSplitter hands over each message when its outermost brace closes, back to back or one per line',
      functions: ['JsonSplitter.push', 'JsonSplitter.end'],
    },
    {
      title: "A watch stream's messages",
      from: 'Watch streams > a WatchStream answers a create_request "created", at the current revision; watch 0 has no watch_id',
      functions: ['WatchStream.handle', 'WatchStream.create', 'WatchStream.close'],
    },
    {
      title: 'Watches over HTTP',
      long: "a watch stream's writer, its messages and serveWatch answer the first watch together",
      from: 'Watch streams > the first message says the watch is created, with the current revision and no watch_id',
      functions: [
        'serveWatch',
        'StreamWriter.start',
        'StreamWriter.isStarted',
        'StreamWriter.send',
        'StreamWriter.fail',
        'StreamWriter.end',
        'WatchStream.replay',
      ],
    },
    {
      title: 'Refused watches, progress, cancels, and streams that end',
      from: 'Watch streams > a watch_id already in use is refused with watch_id -1 and a cancel_reason',
      functions: [
        'WatchStream.refuse',
        'WatchStream.progress',
        'WatchStream.startProgressTimer',
        'WatchStream.cancel',
        'WatchStream.compacted',
        'streamErrorLine',
      ],
    },
    {
      title: 'Leases and keep-alives over HTTP',
      from: 'Leases > grant answers with the lease ID the store chose and the TTL, both as strings',
    },
    {
      title: 'Frames, and opening the log',
      long: 'opening a log reads its files, cuts a torn tail and replays frames in one path: its first test needs all of it',
      from: 'The write-ahead log > a frame is the record length, its CRC-32, then the record, little-endian',
      functions: [
        'frame',
        'readFrames',
        'logFileName',
        'logFileNumbers',
        'WriteAheadLog.open',
        'WriteAheadLog.close',
        'WriteAheadLog.synced',
      ],
    },
    {
      title: 'Appends, group commit, and replay',
      from: 'The write-ahead log > records appended and synced are replayed, in order, after a restart',
      functions: ['WriteAheadLog.append', 'WriteAheadLog.size'],
    },
    {
      title: 'Torn tails and snapshots',
      from: 'The write-ahead log > a torn tail is cut on open: the whole records before it survive',
      functions: [
        'cutTornTail',
        'readSnapshot',
        'WriteAheadLog.saveSnapshot',
        'WriteAheadLog.nextSegment',
      ],
    },
    {
      title: 'Every change in the log',
      long: 'every write of the durable store logs the same way; the store answers like the one it wraps only once each does',
      from: 'Durability > a durable store answers like the store it wraps',
      functions: [
        'DurableStore.open',
        'DurableStore.truncatedBytes',
        'DurableStore.revision',
        'DurableStore.compactRevision',
        'DurableStore.put',
        'DurableStore.deleteRange',
        'DurableStore.txn',
        'DurableStore.compact',
        'DurableStore.leaseGrant',
        'DurableStore.leaseRevoke',
        'DurableStore.expireLeases',
        'DurableStore.range',
        'DurableStore.watch',
        'DurableStore.leaseKeepAlive',
        'DurableStore.leaseTimeToLive',
        'DurableStore.leases',
        'DurableStore.snapshot',
        'DurableStore.synced',
        'DurableStore.close',
      ],
    },
    {
      title: 'Replay after a restart',
      from: 'Durability > replayLog applies logged records to a store again, in order, and checks each revision',
      functions: ['replayLog'],
    },
    {
      title: 'Answers that wait for the disk',
      from: 'Durability > durableThrough(revision) resolves only once that revision is on disk',
      functions: ['DurableStore.durableThrough', 'StreamWriter.pump'],
    },
    {
      title: 'Snapshots of a durable store',
      from: 'Durability > serializeSnapshot and parseSnapshot carry a store snapshot through JSON unchanged',
      functions: ['serializeSnapshot', 'parseSnapshot'],
    },
    {
      title: 'Calls over HTTP from the client',
      from: "The client > errorFrom turns etcd's error body into a StoreError with its code and message",
      functions: [
        'errorFrom',
        'HttpStoreClient',
        'HttpStoreClient.put',
        'HttpStoreClient.range',
        'HttpStoreClient.close',
      ],
    },
    {
      title: 'Every call, and keep-alives',
      from: 'The client > deleteRange and txn',
      functions: [
        'HttpStoreClient.deleteRange',
        'HttpStoreClient.txn',
        'HttpStoreClient.compact',
        'HttpStoreClient.leaseGrant',
        'HttpStoreClient.leaseRevoke',
        'HttpStoreClient.leaseKeepAlive',
        'revisionsOf',
      ],
    },
    {
      title: 'Watches from the client',
      long: "the client's watch and the ResumingWatch it builds on deliver their first revision only together",
      from: 'The client > a watch hands over each revision once, in order, history first',
      functions: [
        'HttpStoreClient.watch',
        'ResumingWatch',
        'ResumingWatch.cancel',
        'ResumingWatch.connect',
        'ResumingWatch.lost',
        'ResumingWatch.receive',
        'ResumingWatch.end',
      ],
    },
    {
      title: 'Watches that resume; the same answers as etcd, and a store that survives a crash',
      from: 'The client > after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice',
    },
  ],
  hints: {
    'The wire format > a key-value is written with base64 bytes, 64-bit integers as strings and snake_case names':
      'Write `encode`: walk `schema.fields` in order, read `value[field.property]`, write it under `field.name`. bytes become base64, int64 and id become strings. Lesson: § The wire format.',
    'The wire format > fields are written in the order rpc.proto declares them':
      'Walk schema.fields in order and add each field to the output object as you go: JSON.stringify keeps insertion order. Lesson: § The wire format.',
    'The wire format > zero values are left out: no lease, no empty value':
      'Skip a field whose value is its zero: 0, 0n, false, "", empty bytes, an empty list, the first enum name. Lesson: § The wire format.',
    'The wire format > enums are written as names, and the zero enum is left out (PUT events have no type)':
      'An enum field holds its name already; it is zero when it is the first name of field.kind.enum, and zero is left out. Lesson: § The wire format.',
    'The wire format > a oneof member is written even when it is zero':
      'A oneof member (`field.oneof`) is written whenever it is set, even to 0: that is how "create_revision == 0" survives the trip. Lesson: § The wire format.',
    'The wire format > input may use the proto names or their lowerCamel JSON names':
      'Write `decode`: for each field look up `json[field.name]`, then `json[field.jsonName]`. Lesson: § The wire format.',
    'The wire format > 64-bit integers are read from numbers or strings, lease IDs exactly as bigint':
      'Parse strings with BigInt, never with Number: 7587869577374112527 does not fit in a double. Convert to number only for `int64` fields. Lesson: § The wire format.',
    'The wire format > fields that were not sent are read as their zero values':
      'Protobuf has no "missing": a field that was not sent is its zero value. Fill them in, except oneof members and messages. Lesson: § The wire format.',
    'The wire format > enums are read by name or by number':
      'Accept a string that is one of field.kind.enum, or an integer that indexes it; anything else is invalidArgument naming the field. Lesson: § The wire format.',
    'The wire format > a txn decodes into nested operations, one oneof member each':
      'A message field decodes recursively with field.kind.message(); a oneof field is set only when sent, and two members of one oneof in the same object are refused. Lesson: § The wire format.',
    'The wire format > unknown fields are ignored and null means "not set"':
      'Read only the fields the schema names; a value of null is treated as if the field were absent (its zero value). Lesson: § The wire format.',
    'The wire format > malformed input is refused with InvalidArgument, naming the field':
      'Check every value before you use it and throw `invalidArgument(path + ": ...")`. Buffer.from(text, "base64") accepts anything, so check base64 yourself. Lesson: § The wire format.',
    'The wire format > requests nested absurdly deep are refused, not followed until the stack runs out':
      'Count how deep `decode` has recursed (the `depth` parameter) and refuse past a few dozen levels. Lesson: § Errors.',
    'The gateway > routeOf sends each POST endpoint to its kind: unary calls, the watch stream, the keep-alive stream':
      "Write routeOf: keep a Set of the unary paths; /v3/watch is 'watch', /v3/lease/keepalive 'keepalive'; GET /health and GET /version are their own kinds. Lesson: § The gateway.",
    'The gateway > routeOf reads /v3beta/ paths as /v3/ ones, /v3/kv/lease/ paths as lease endpoints, and ignores a query string':
      "Cut the URL at '?', then rewrite a /v3beta/ prefix to /v3/ before you look the path up; the /v3/kv/lease/ aliases are in the Set too. Lesson: § The gateway.",
    'The gateway > routeOf refuses the wrong method with 405, and says GET is the one allowed on /health':
      "A known path with the wrong method is { kind: 'refused', status: 405, text: 'Method Not Allowed' }; for /health and /version add allow: 'GET'. Lesson: § Errors.",
    'The gateway > routeOf refuses an unknown path with 404: "Not Found" under /v3/, "404 page not found" elsewhere':
      'Check for an unknown path before the method: 404 with the gateway\'s "Not Found" under /v3/, Go\'s "404 page not found" anywhere else. Lesson: § Errors.',
    'The gateway > memberHeader names the cluster and the member from the name, the same every time, with raft term 1':
      'Hash the name (node:crypto\'s sha256 of "cluster:<name>" and "member:<name>", first 8 bytes with readBigUInt64BE) once, and return a function that builds { clusterId, memberId, revision, raftTerm: 1 }. Lesson: § The gateway.',
    'The gateway > GET /health answers {"health":"true"}':
      'Write createStoreServer with node:http: every request goes through routeOf; /health answers the text {"health":"true"}; listen resolves with http://host:port. Lesson: § The gateway.',
    'The gateway > GET /version names the etcd API version the server speaks':
      'GET /version answers VERSION as JSON (sendJson is given). Lesson: § The gateway.',
    'The gateway > listen(0) picks a free port and resolves with the URL clients use; close() stops listening':
      'listen creates an http.Server, listens, and resolves with http://127.0.0.1:<address().port>; close() closes every server it made (server.close, closeAllConnections). Lesson: § The gateway.',
    'The gateway > a put answers with the header: cluster_id, member_id, revision and raft_term, as strings':
      "Write serveUnary: read the body, decode it with the endpoint's request schema, call the store, encode the answer with the response schema and header state.header(revision). Lesson: § The gateway.",
    'The gateway > a server listens on as many addresses as it is asked to, as etcd does for --listen-client-urls':
      'Each listen() call makes one more http.Server with the same request handler; keep them all in a list so close() stops each. Lesson: § The gateway.',
    'The gateway > a range returns keys and values in base64 and revisions as strings':
      'The range endpoint is RangeRequestMessage in, store.range, RangeResponseMessage out: the codec does base64 and the strings. Lesson: § The gateway.',
    'The gateway > zero values are left out: a range that finds nothing has no kvs, count or more':
      'Nothing to add if encode leaves zero values out: [], 0 and false disappear. Lesson: § The wire format.',
    'The gateway > input names may be camelCase: a prefix range with rangeEnd and a limit':
      'decode already accepts either name; if this fails, check the range endpoint passes rangeEnd, limit and keysOnly on to the store. Lesson: § The gateway.',
    'The gateway > prev_kv returns what a put replaced':
      "The put endpoint's response schema (PutResponseMessage) has prev_kv: pass the store's answer through whole. Lesson: § The gateway.",
    'The gateway > a range at an older revision sees the store as it was':
      'revision travels in the range request like any other field; the store does the rest. Lesson: § The gateway.',
    'The gateway > deleterange says how many keys it deleted, and returns them when asked':
      'Add the /v3/kv/deleterange endpoint: DeleteRangeRequestMessage in, store.deleteRange, DeleteRangeResponseMessage out. Lesson: § The gateway.',
    'The gateway > deleting nothing leaves the revision as it was':
      "deleted: 0 and no prev_kvs are zero values, left out; the header's revision is the store's, unchanged. Lesson: § The gateway.",
    'The gateway > a txn runs its success branch when every compare holds':
      "The txn endpoint is decode, store.txn, encode, like put; run checkRequestOps first, and leave a nested txn's own header empty, as etcd does. Lesson: § The gateway.",
    'The gateway > otherwise it runs its failure branch, and leaves out succeeded (false)':
      "Nothing new if encode leaves false out; the failure branch's responses come back in `responses`. Lesson: § The wire format.",
    'The gateway > every write of one txn shares one revision':
      'The store already gives one revision to a txn; the endpoint only passes the request and answer through. Lesson: § The gateway.',
    'The gateway > compaction answers with the header; revisions before it can no longer be read':
      "Add /v3/kv/compaction (CompactionRequestMessage in, store.compact, CompactionResponseMessage out); a range below it is the store's compacted error, answered by errorAnswer with HTTP 400. Lesson: § The gateway and § Errors.",
    'The gateway > /v3beta/ paths answer as /v3/ ones do, as in etcd 3.4':
      'Rewrite a /v3beta/ prefix to /v3/ before routing. Lesson: § The gateway.',
    "Errors > errorAnswer keeps a StoreError's gRPC code and message, with the HTTP status etcd's gateway maps the code to":
      "Write errorAnswer: a table from gRPC code to HTTP status (3 and 11 -> 400, 5 -> 404, 9 -> 412, 14 -> 503, ...), and the StoreError's own code and message. Lesson: § Errors.",
    "Errors > anything else thrown is a bug, not the client's mistake: Internal, code 13, HTTP 500":
      'Anything that is not a StoreError is code 13 with the message "internal error: " and the error\'s own message. Lesson: § Errors.',
    'Errors > requestBytes counts the bytes of every key, value and range end, however deep':
      'Write requestBytes recursively: a Uint8Array counts its length, an array or object the sum of its values, anything else 0. Lesson: § Errors.',
    "Errors > an empty key is refused with etcd's error body and HTTP 400":
      'createStoreServer catches what serving throws and answers {"error": message, "message": message, "code": code} from errorAnswer, with its HTTP status. Lesson: § Errors.',
    'Errors > a body that is not JSON is InvalidArgument (HTTP 400, code 3) and changes nothing':
      'Wrap JSON.parse: its SyntaxError becomes invalidArgument("request body is not valid JSON: ..."). An empty body is an empty message. Lesson: § Errors.',
    'Errors > a field of the wrong type is InvalidArgument, and the message names the field':
      "decode's errors already name the field; make sure serveUnary lets them reach errorAnswer, before anything calls the store. Lesson: § The wire format.",
    'Errors > a lease that does not exist is NotFound: HTTP 404, code 5':
      'The store throws errors.leaseNotFound() (code 5); errorAnswer maps 5 to 404. Lesson: § Errors.',
    'Errors > a future revision is OutOfRange: HTTP 400, code 11':
      "OutOfRange is code 11, and etcd 3.4's gateway answers it with 400. Lesson: § Errors.",
    'Errors > GET on a POST endpoint is 405 Method Not Allowed, in plain text':
      'A known path with the wrong method is 405 with the body "Method Not Allowed\\n" as text/plain; charset=utf-8. Lesson: § Errors.',
    'Errors > POST on GET /health is 405 too, and says which method is allowed':
      "routeOf's refusal carries allow: 'GET' for /health; createStoreServer writes it as the Allow header (sendText takes it). Lesson: § Errors.",
    'Errors > an unknown path is 404 in plain text: "Not Found" under /v3/, "404 page not found" elsewhere':
      "Two different 404s: the gateway's own under /v3/, Go's router elsewhere. Lesson: § Errors.",
    'Errors > a request over 1.5 MiB is refused with "request is too large" and changes nothing':
      'In serveUnary, when the body is longer than maxRequestBytes, count requestBytes of the decoded request and refuse it before the store sees it. Lesson: § Errors.',
    'Errors > a body far over the limit is refused before it is all read':
      'Count bytes as the body arrives and stop reading past a few times the limit; close the connection after answering. Lesson: § Errors.',
    'Errors > a txn with more than 128 operations in a branch is refused':
      "The store's checkTxn refuses it; the server only has to answer the error before anything is written. Lesson: § Errors.",
    'Errors > a txn may not put the same key twice':
      'The store refuses a duplicate key with InvalidArgument; serveUnary passes the error to errorAnswer. Lesson: § Errors.',
    'Errors > a txn operation with no request in it is refused, as etcd does ("key not found")':
      'Call checkRequestOps from codec.ts before the txn reaches the store. Lesson: § Errors.',
    'Errors > a txn refused part-way through changes nothing':
      'The store checks the whole txn before its first write; the server must not catch the error and carry on. Lesson: § Errors.',
    'Errors > hostile input is answered with an error, never a crash and never a 500':
      'Every request goes through one try/catch that turns errors into answers; JSON.parse errors are InvalidArgument. Lesson: § Errors.',
    'Watch streams > JsonSplitter hands over each message when its outermost brace closes, back to back or one per line':
      'Write JsonSplitter.push: keep the text not yet handed over and a depth counter; { and [ add one, } and ] take one; at depth 0 cut the message out. Lesson: § Watch streams.',
    'Watch streams > a message may arrive in pieces cut anywhere, even inside a string or a character':
      "Decode bytes with node:string_decoder's StringDecoder (it holds back half a character), and keep the scanning state (depth, inside a string) between pushes. Lesson: § Watch streams.",
    'Watch streams > braces inside strings do not count, and an escaped quote does not end a string':
      'Track whether you are inside a string and whether the previous character was a backslash; braces only count outside strings. Lesson: § Watch streams.',
    'Watch streams > what is not an object is handed over as it is, to be reported; end() returns an unfinished message':
      'At depth 0, a character that is not white space and not { or [ starts junk: hand the whole rest over, so parsing it fails. end() returns what is left, or undefined when only white space is. Lesson: § Watch streams.',
    'Watch streams > a WatchStream answers a create_request "created", at the current revision; watch 0 has no watch_id':
      "Write WatchStream.handle (decode with WatchRequestMessage) and create: send encode(WatchResponseMessage, { header: state.header(revision), watchId, created: true }) with the store's revision. Lesson: § Watch streams.",
    'Watch streams > each later revision goes out as one message of its events, at that revision':
      "In create, call store.watch with a listener that sends { header, watchId, events } for each WatchResponse, stamped with that response's revision. Lesson: § Watch streams.",
    'Watch streams > the watches of one stream are numbered 0, 1, 2, ...; a watch_id asked for is used as given':
      "Keep the stream's watches in a Map by ID; a request with watch_id 0 gets the lowest ID not in the Map, counting up from the last one given. Lesson: § Watch streams.",
    'Watch streams > a message that is none of create, cancel or progress is ignored':
      'After decoding, check which of createRequest, cancelRequest, progressRequest is in the message; with none, do nothing (decode turns null into an empty message). Lesson: § Watch streams.',
    'Watch streams > closing a WatchStream cancels its watches in the store':
      'close() calls cancel() on every store Watcher of the stream and forgets them. Lesson: § Watch streams.',
    'Watch streams > the first message says the watch is created, with the current revision and no watch_id':
      'Write serveWatch: a StreamWriter for the response, a WatchStream sending through it, and the request body split with JsonSplitter, each message parsed and handed to handle. Lesson: § Watch streams.',
    'Watch streams > a put is streamed as one {"result":...} line; PUT events have no type':
      'StreamWriter.send writes JSON.stringify({ result }) and a newline on the 200 response it started (writeHead, flushHeaders). Lesson: § Watch streams.',
    "Watch streams > a delete is a DELETE event whose kv holds only the key and the delete's revision":
      "The store's DELETE event already holds just the key and mod_revision; the codec leaves the zeros out. Lesson: § Watch streams.",
    'Watch streams > prev_kv adds the state of the key before each change':
      "Pass the create_request's prevKv on to store.watch. Lesson: § Watch streams.",
    'Watch streams > start_revision replays history first, in one message stamped with the current revision':
      'The store replays history before watch() returns: collect those responses, then hand them to WatchStream.replay, which sends their events as one message at the current revision. Lesson: § Watch streams.',
    'Watch streams > a range_end watches every key in [key, range_end)':
      'Pass key and rangeEnd on to store.watch; an empty key means the smallest key (one zero byte). Lesson: § Watch streams.',
    'Watch streams > the events of one txn arrive together, in one message':
      'One store WatchResponse per revision becomes one message: all the events of a txn share its revision. Lesson: § Watch streams.',
    'Watch streams > more watches on one stream are numbered 1, 2, ...; a chosen watch_id is used as given':
      'Several create_requests on one body each get their own ID; the events of each carry its watch_id. Lesson: § Watch streams.',
    'Watch streams > a watch_id already in use is refused with watch_id -1 and a cancel_reason':
      'Write WatchStream.refuse: one message { header, watchId: -1, created: true, canceled: true, cancelReason }; create calls it for an ID already in the Map. Lesson: § Watch streams.',
    'Watch streams > a range whose end is not after its key is refused: "mvcc: watcher range is empty"':
      'In create, before anything else: a range_end that is not \\0 and does not sort after the key (compareBytes) is refused with "mvcc: watcher range is empty". Lesson: § Watch streams.',
    'Watch streams > progress_request is answered with the current revision and watch_id -1':
      'Write WatchStream.progress: one message { header: state.header(store.revision), watchId: -1 }. Lesson: § Watch streams.',
    'Watch streams > progress_notify: a watch that heard nothing for an interval is told the current revision':
      'Write startProgressTimer: one setInterval per stream (unref it); each tick, a watch with progressNotify that sent nothing since the last tick gets { header, watchId }. Lesson: § Watch streams.',
    'Watch streams > cancel_request stops a watch and is answered with canceled':
      'Write WatchStream.cancel: cancel the store Watcher, forget the ID, send { header, watchId, canceled: true }; an unknown ID is ignored. Lesson: § Watch streams.',
    'Watch streams > filters leave out the events asked for: NODELETE':
      "Pass the create_request's filters on to store.watch. Lesson: § Watch streams.",
    'Watch streams > a start_revision below the compaction is canceled with compact_revision; that header has no revision':
      'store.watch throws the compacted error: answer created, then WatchStream.compacted sends canceled with compact_revision and a header whose revision is 0 (so left out). Lesson: § Watch streams.',
    'Watch streams > watches go on after the request body ends, until the client goes away':
      'When the request body ends, only start() the writer: the watches stay, and the response stays open. Lesson: § Watch streams.',
    'Watch streams > when the client goes away, its watches are canceled':
      'Listen for the response\'s "close" event and cancel every watcher of that stream. Lesson: § Watch streams.',
    'Watch streams > a first message that is not JSON gets an error answer (HTTP 400), not a stream':
      'Send the 200 and the first line only once the first message was read; until then an error is an ordinary error answer. Lesson: § Watch streams.',
    'Watch streams > a malformed message later in the stream ends it with an error line':
      'Once the 200 has been sent, an error goes in the stream: StreamWriter.fail writes streamErrorLine(error) ({"error":{grpc_code, http_code, message, http_status}}) and ends the response. Lesson: § Watch streams.',
    'Leases > grant answers with the lease ID the store chose and the TTL, both as strings':
      'Decode with LeaseGrantRequestMessage and encode with LeaseResponseMessage: the proto names are ID and TTL, in capitals. Lesson: § Leases.',
    'Leases > a client may choose the ID; asking for one in use is FailedPrecondition (HTTP 412, code 9)':
      "The store throws errors.leaseExists() (code 9); etcd 3.4's gateway maps 9 to 412. Lesson: § Leases and § Errors.",
    'Leases > a key put with a lease carries its ID; time-to-live lists the key when asked':
      'Add /v3/lease/timetolive: LeaseIdRequestMessage in (ID and keys), store.leaseTimeToLive, LeaseResponseMessage out. Lesson: § Leases.',
    'Leases > time-to-live of an unknown lease is TTL -1, not an error':
      'The store answers ttl -1 for an unknown lease; encode writes it (-1 is not zero). Lesson: § Leases.',
    'Leases > leases lists every lease':
      'Add /v3/lease/leases: store.leases() gives IDs; LeaseLeasesResponseMessage wants { leases: [{ id }] }. Lesson: § Leases.',
    'Leases > the /v3/kv/lease/ paths are the same endpoints, as in etcd 3.4':
      'leaseEndpoint answers /v3/kv/lease/revoke, timetolive and leases with the same endpoints as under /v3/lease/. Lesson: § Leases.',
    'Leases > keep-alive answers one {"result":...} line per request and ends with the request body':
      'Keep-alive is a stream like watch, but it ends when the request body ends. Lesson: § Leases.',
    'Leases > keep-alive for an unknown lease answers without a TTL, not with an error':
      'store.leaseKeepAlive answers ttl 0 for an unknown lease; 0 is left out by encode. Lesson: § Leases.',
    'Leases > revoke deletes every key of the lease, in one revision':
      'Add /v3/lease/revoke: LeaseIdRequestMessage in, store.leaseRevoke, LeaseResponseMessage out. Lesson: § Leases.',
    'Leases > revoking an unknown lease is NotFound (HTTP 404, code 5)':
      'The store throws errors.leaseNotFound(); errorAnswer maps code 5 to 404. Lesson: § Leases.',
    "Leases > a lease nobody keeps alive expires, and the server's timer deletes its keys":
      'Start a setInterval that calls store.expireLeases() every leaseExpiryIntervalMs (500 by default); unref it and clear it in close(). Lesson: § Leases.',
    'Leases > malformed lease requests and stream messages are answered with an error, never a 500':
      "Everything a lease endpoint or a stream reads goes through decode, whose errors are InvalidArgument (400); a stream's first message is answered before any 200 is sent. Lesson: § Leases and § Errors.",
    'The write-ahead log > a frame is the record length, its CRC-32, then the record, little-endian':
      'Buffer.allocUnsafe(8 + length), writeUInt32LE(length, 0), writeUInt32LE(crc32(record), 4), then the bytes. crc32 comes from node:zlib. Lesson: § The write-ahead log.',
    'The write-ahead log > frames read back as the records written, in order':
      'Write readFrames: at each offset read the length and checksum (readUInt32LE), take that many bytes, and move on. Lesson: § The write-ahead log.',
    'The write-ahead log > reading stops at a frame cut short, a wrong checksum, or a run of zero bytes':
      'Before you trust a frame: is there room for its length? does the checksum match? is the length not 0? Lesson: § The write-ahead log.',
    'The write-ahead log > log files are named by their number in sixteen digits, and listed in number order':
      "logFileName pads the number with padStart(16, '0'); logFileNumbers keeps the names matching /^(\\d{16})\\.wal$/ (or .snap) and sorts their numbers. Lesson: § The write-ahead log.",
    'The write-ahead log > a new data directory opens empty, with its log under member/wal':
      'Write WriteAheadLog.open: mkdir member/wal and member/snap (recursive), read what is there, and with no segment start segment 1. Lesson: § The write-ahead log.',
    'The write-ahead log > a new segment is created at its full size, 8 MiB of zeros':
      "Open a new segment file with 'w', truncate it to 8 MiB (it reads as zeros), sync it, and sync its directory. Lesson: § The write-ahead log.",
    'The write-ahead log > opening the log a second time finds the same segment, and adds none':
      "Continue in the last segment there is: open it with 'r+' at the end of its last whole frame; create a segment only when there is none. Lesson: § The write-ahead log.",
    'The write-ahead log > a half-written snapshot (a .tmp file) left by a crash is removed on open':
      'On open, remove every .tmp file in member/snap: it is a snapshot a crash interrupted. Lesson: § The write-ahead log.',
    'The write-ahead log > records appended and synced are replayed, in order, after a restart':
      'open() reads every segment with readFrames; append() buffers a frame; a flush writes the buffer and calls datasync(). Lesson: § The write-ahead log.',
    'The write-ahead log > synced() resolves only once the records are in the file':
      "Write the frames at the segment's offset (a positioned write, every byte of them) before you resolve. Lesson: § The write-ahead log.",
    'The write-ahead log > appends made together share one fdatasync (group commit)':
      'Do not flush in append(): schedule one flush with setImmediate, and let appends made meanwhile join the next one. Lesson: § The write-ahead log.',
    'The write-ahead log > records appended after a restart go after the old ones, in the same segment':
      "open sets the write offset to the validBytes of the last segment's frames, so a new frame goes right after the last good one. Lesson: § The write-ahead log.",
    'The write-ahead log > close() waits for the records appended so far to reach the disk':
      'close() awaits synced() (ignoring a failure), then closes the file. Lesson: § The write-ahead log.',
    'The write-ahead log > size counts the bytes of the frames appended since the log was opened':
      "Add each frame's length to a counter in append; saveSnapshot sets it back to 0. Lesson: § The write-ahead log.",
    'The write-ahead log > a torn tail is cut on open: the whole records before it survive':
      'After the last good frame of the last segment everything must be zeros; if it is not, count those bytes in truncatedBytes and cutTornTail before writing there. Lesson: § The write-ahead log.',
    'The write-ahead log > a corrupt last record is cut, never misread':
      'A frame whose checksum does not match ends the good part, exactly like a frame cut short; cut the last segment there. Lesson: § The write-ahead log.',
    'The write-ahead log > a snapshot replaces the segments before it: a restart reads it, then only later records':
      'Write the snapshot to a .tmp file, fsync it, rename it, fsync the directory; only then delete the segments it replaces. Lesson: § The write-ahead log.',
    'The write-ahead log > records appended while a snapshot is written go after it':
      'saveSnapshot queues a marker among the pending frames: frames before it stay in the old segment, the flush starts a new segment there (nextSegment), later frames go in the new one. Lesson: § The write-ahead log.',
    'The write-ahead log > a snapshot left half-written by a crash is ignored':
      'Only files named <16 digits>.snap are snapshots; a .tmp one is a leftover and is removed. Lesson: § The write-ahead log.',
    'The write-ahead log > damage before the last segment stops the open instead of losing writes':
      'Bytes that are not zero after the last whole frame of a segment that is not the last: throw an error that says the segment is corrupt. Lesson: § The write-ahead log.',
    'Durability > a durable store answers like the store it wraps':
      'Write DurableStore.open (WriteAheadLog.open, then createStore) and the writes: each calls the wrapped store and answers what it answered. Lesson: § Durability.',
    'Durability > reads, keep-alives and snapshots go straight to the store it wraps':
      'range, watch, leaseKeepAlive, leaseTimeToLive, leases, snapshot and the revision getters call the wrapped store and log nothing. Lesson: § Durability.',
    'Durability > synced() resolves once every change made so far is on disk':
      "synced() is the log's synced(): every record appended so far has been fdatasync'ed. Lesson: § Durability.",
    "Durability > a put is logged as one record: the op, the revision it made, and its request in etcd's JSON":
      "After store.put, append Buffer.from(JSON.stringify({ op: 'put', revision: store.revision, request: encode(PutRequestMessage, request) })) to the log. Lesson: § Durability.",
    'Durability > a delete and a txn are logged when they change something, and only then':
      "Log a deleteRange only when it deleted something, a txn only when the store's revision moved. Lesson: § Durability.",
    'Durability > a compaction is logged, though it makes no revision':
      'compact makes no revision but changes what survives a restart: always log it. Lesson: § Durability.',
    'Durability > a lease grant is logged with the ID and TTL the store chose, not those asked for':
      "Log encode(LeaseGrantRequestMessage, { id: response.id, ttl: response.ttl }) from the store's answer, not from the request. Lesson: § Durability.",
    'Durability > revoking a lease is logged even when it held no keys and made no revision':
      "Log every successful revoke as { op: 'lease_revoke', revision, ids: [String(id)] }: the lease is gone even if no key went. Lesson: § Durability.",
    'Durability > the leases that expire together are logged as one revoke of them all':
      'expireLeases returns the IDs it revoked: when there are any, log one lease_revoke record with all of them, as strings. Lesson: § Durability.',
    'Durability > reads, and writes that change nothing, add nothing to the log':
      'Reads and keep-alives go straight to the store; a delete of nothing and a txn that did not move the revision are not logged. Lesson: § Durability.',
    'Durability > replayLog applies logged records to a store again, in order, and checks each revision':
      'Write replayLog: JSON.parse each record, decode its request with the schema its op names, call the store, then compare store.revision with record.revision. Lesson: § Durability.',
    'Durability > everything written comes back after a restart: keys, history, revision, compaction':
      'Apply each write to the store, then append a record saying what it was; on open, apply the records again. Lesson: § Durability.',
    'Durability > a lease comes back with the ID the store chose, and its keys':
      'Log the ID the store granted, not the 0 the client asked for: replay must not pick a new random ID. Lesson: § Durability.',
    'Durability > an expired lease is logged as a revoke, so replay does not depend on the clock':
      'expireLeases() returns the IDs it revoked: log them as revokes. Lesson: § Durability.',
    'Durability > a log that does not replay to the revisions it recorded stops the open':
      'replayLog throws on the first record whose revision the store does not reach; open closes the log and passes the error on. Lesson: § Durability.',
    'Durability > durableThrough(revision) resolves only once that revision is on disk':
      'Keep the highest revision known to be on disk; after each synced() of the log, move it up and resolve the waiters it passed. Lesson: § Durability.',
    'Durability > watch events from a durable store are sent once they are on disk':
      'Write StreamWriter.pump: take the queued lines in order, await durability.durableThrough(revision) for each, then write it. Lesson: § Durability.',
    'Durability > when the disk fails, the store stops answering rather than answer with what it could not log':
      "When the log's synced() rejects, remember a StoreError(Unavailable, ...) and reject every call to synced() and durableThrough() from then on; /health answers false. Lesson: § Durability.",
    'Durability > the server answers a write only once it is on disk':
      'In the server, await durability.synced() before sending any answer, reads included. Lesson: § Durability.',
    'Durability > serializeSnapshot and parseSnapshot carry a store snapshot through JSON unchanged':
      "Encode the base with KeyValueMessage and each change's events with EventMessage; lease IDs become strings. parseSnapshot decodes the same way back. Lesson: § Durability.",
    'Durability > past snapshotBytes the store is snapshotted and the log starts again; a restart reads both':
      'After logging, if log.size >= snapshotBytes and no snapshot is running, hand serializeSnapshot(store.snapshot()) to log.saveSnapshot in the same synchronous step. Lesson: § Durability.',
    'Durability > leases, revokes and compaction survive a snapshot and a restart':
      'On open, build the store from parseSnapshot(replay.snapshot) with createStore, then replay only the records after it. Lesson: § Durability.',
    "The client > errorFrom turns etcd's error body into a StoreError with its code and message":
      'Write errorFrom: JSON.parse the body inside a try; when it has a string message and a number code, return new StoreError(code, message). Lesson: § The client.',
    'The client > any other answer becomes an Error that quotes the HTTP status':
      "When the body is not etcd's error JSON, return new Error(`store answered HTTP ${status}: ...`) with the start of the body. Lesson: § The client.",
    'The client > put, then range, over the wire':
      'POST the encoded request with node:http and a keep-alive Agent; decode the answer with the response schema. Lesson: § The client.',
    'The client > a range that finds nothing has empty kvs, count 0 and more false':
      'decode fills in every field that was not sent with its zero value, so the client gets kvs [], count 0, more false for free. Lesson: § The client.',
    "The client > errors come back as StoreError with etcd's code and message":
      'A non-200 answer goes through errorFrom, and the call rejects with what it returns. Lesson: § The client.',
    'The client > a store that cannot be reached fails the call':
      "Pass the request's 'error' event (ECONNREFUSED) on as the call's rejection. Lesson: § The client.",
    'The client > deleteRange and txn':
      'Each unary method is the same call with its path and schemas: /v3/kv/deleterange, /v3/kv/txn. Lesson: § The client.',
    'The client > compact':
      'compact(revision) posts { revision } to /v3/kv/compaction with CompactionRequestMessage. Lesson: § The client.',
    'The client > leases: grant, keep-alive, revoke, with 64-bit IDs as bigint':
      'Grant and revoke are unary calls; leaseKeepAlive posts one {"ID"} to /v3/lease/keepalive and reads the one {"result":...} line back. Lesson: § The client.',
    'The client > revisionsOf hands over the events of one message one revision at a time, in order':
      'Write revisionsOf: walk the events and start a new { revision, events } whenever kv.modRevision changes. Lesson: § The client.',
    'The client > revisionsOf leaves out the revisions already handed over':
      'Skip events whose kv.modRevision is below `from`. Lesson: § The client.',
    'The client > a watch hands over each revision once, in order, history first':
      'One message may hold several revisions (history): split its events by kv.modRevision and call onResponse once per revision. Lesson: § The client.',
    'The client > created settles once the store has confirmed the watch':
      'Resolve `created` when the first result with created: true arrives; a watch from now remembers header.revision + 1 as where a reconnect starts. Lesson: § The client.',
    'The client > a watch with prevKv gets the state of the key before each change':
      'Send the whole WatchRequest, prevKv included, in the create_request (WatchCreateRequestMessage). Lesson: § The client.',
    'The client > a watch the store refuses ends with an error that gives the reason':
      'A result with canceled and no compact_revision ends the watch with onEnd({ error }) whose message has the cancel_reason. Lesson: § The client.',
    'The client > close() ends every watch of the client, without calling onEnd':
      "Keep the client's watches in a Set (each removes itself when done); close() cancels each, then destroys the agent. Lesson: § The client.",
    'The client > a watch from a compacted revision ends with compactRevision':
      'A result with compact_revision ends the watch: onEnd({ compactRevision }), and `created` rejects. Lesson: § The client.',
    'The client > cancel stops a watch without calling onEnd':
      'cancel() marks the watch done and destroys its request; a done watch ignores every later line and never calls onEnd. Lesson: § The client.',
    'The client > after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice':
      'Remember the last revision you delivered; when the stream ends without a cancel, reconnect with start_revision = that + 1. Lesson: § The client.',
    'The client > a watch that cannot reconnect for reconnectTimeoutMs ends with an error':
      'Remember when the connection first failed; a reconnect attempt after reconnectTimeoutMs of failing ends the watch with onEnd({ error }) instead. Lesson: § The client.',
    'Conformance with etcd > health and version':
      "Compare GET /health and /version with etcd's: same status, same Content-Type, and bodies that differ only in the version numbers. Lesson: § Conformance with etcd.",
    'Conformance with etcd > put and range: encoding, prefixes, limits, revisions':
      'The failure message shows both answers: look for a field written differently (a zero value that should be left out, a number that should be a string). Lesson: § Conformance with etcd and § The wire format.',
    'Conformance with etcd > deleterange':
      "Compare deleted, prev_kvs and the header with etcd's: zero values are left out the same way. Lesson: § Conformance with etcd.",
    'Conformance with etcd > txn: compares, both branches, nested txns, the headers of each response':
      "Inside a txn each response has a header with only its revision, except a nested txn's own, which is empty ({}). Lesson: § The gateway.",
    'Conformance with etcd > compaction':
      'A range below the compaction is code 11 with HTTP 400, and the compaction answer is only a header. Lesson: § Conformance with etcd.',
    'Conformance with etcd > errors: messages, codes, HTTP statuses':
      "Messages must be etcd's, word for word (harness/store/errors.ts); statuses follow the gateway's table, FailedPrecondition 412 included. Lesson: § Errors.",
    'Conformance with etcd > leases: grant, time-to-live, leases, revoke':
      'Lease answers use the names ID, TTL and grantedTTL, capitals included, as LeaseResponseMessage writes them. Lesson: § Leases.',
    'Conformance with etcd > keep-alive streams':
      'Each keep-alive message is answered by one {"result":...} line, and the response ends with the request body. Lesson: § Leases.',
    'Conformance with etcd > watch: created, puts, deletes with prev_kv, txns':
      'Compare the lines one by one: watch 0 has no watch_id, PUT events no type, and each revision is one message at its own revision. Lesson: § Watch streams.',
    'Conformance with etcd > watch: history from a start revision, filters, ids, progress, cancel':
      'History is one message stamped with the current revision; progress answers carry watch_id -1. Lesson: § Watch streams.',
    'Conformance with etcd > watch: a start revision that was compacted':
      'A compacted start revision is answered created, then canceled with compact_revision, in a header without a revision. Lesson: § Watch streams.',
    'Conformance with etcd > the client gets the same answers from both, 63-bit lease IDs and watch history included':
      'The client must read lease IDs as bigint and split history into one response per revision: run it against etcd and compare. Lesson: § The client.',
    'Crash recovery > the store runs as a program and logs what etcd logs: name, data dir, where it serves':
      'harness/components/store.ts runs your DurableStore and server; if it fails to start, the output in the failure message says which of them threw. Lesson: § Crash recovery.',
    'Crash recovery > a busy port is one line that names --listen-client-urls, and exit code 1':
      "listen must reject with the server's 'error' (EADDRINUSE) instead of leaving it unhandled; the program turns it into that one line. Lesson: § Crash recovery.",
    'Crash recovery > after a clean stop (SIGTERM) a restart finds every write':
      'On SIGTERM the program closes the server, then the durable store (which waits for the log): make sure close() of both waits for what is pending. Lesson: § Crash recovery.',
    'Crash recovery > killed mid-write (SIGKILL), it loses no acknowledged write and its revision never goes back':
      'An answer may go out only after the fdatasync that covers it. Check every path that answers: unary calls, watch lines, keep-alives. Lesson: § Crash recovery.',
  },
};

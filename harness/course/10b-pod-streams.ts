// Chapter 10b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const api = 'Passing the connection on > through the API server';

export const chapter10B: Chapter = {
  id: '10b',
  slug: 'pod-streams',
  title: 'Streams into a pod: exec, attach, cp and port-forward',
  builds:
    "kubectl exec, attach, cp and port-forward end to end: the API server's pods/exec, pods/attach and pods/portforward passing the upgraded connection to the kubelet, and the kubelet's streaming server speaking WebSocket remote command (v5.channel.k8s.io) and SPDY/3.1 port-forward",
  stages: [
    {
      title: 'Channels, stream requests and exit statuses',
      from: 'Remote command channels > a message (of v5.channel.k8s.io) is its channel byte, then the bytes',
    },
    {
      title: 'A line discipline for -t',
      from: 'A terminal without a terminal > typed keys are echoed, and Enter ("\\r") completes a line for the command',
    },
    {
      title: 'SPDY frames and header blocks',
      from: 'SPDY frames > a control frame: control bit and version 3, type, flags, 24-bit length, payload',
      functions: [
        'controlFrame',
        'dataFrame',
        'FrameReader.push',
        'readSynStream',
        'synReply',
        'rstStream',
        'streamIdOf',
      ],
    },
    {
      title: 'Header blocks, the dictionary and their compression',
      from: 'SPDY frames > a header block counts its pairs, each name and value after its 4-byte length',
      functions: [
        'encodeHeaderBlock',
        'decodeHeaderBlock',
        'headerDictionary',
        'HeaderCompression.compress',
        'HeaderCompression.decompress',
        'HeaderCompression.close',
      ],
    },
    {
      title: 'Port forwarding over one SPDY connection',
      from: 'Port forwarding > each new stream is answered with a SYN_REPLY',
    },
    {
      title: "The kubelet's routes, refusals and containers",
      from: "The kubelet's streaming server > its routes: /exec and /attach name a container, /portForward a pod",
      functions: [
        'streamingRoute',
        'refuse',
        'runningContainer',
        'podAddress',
        'offers',
        'parseStreamRequest',
      ],
    },
    {
      title: 'exec over a WebSocket',
      from: "The kubelet's streaming server > exec: the output on stdout, then Success on the error channel, then a normal close",
      functions: ['serveExec', 'createStreamingServer'],
    },
    {
      title: 'attach, and port-forward beside exec',
      from: "The kubelet's streaming server > attach: the container's output as it comes, and Success once it ends",
      functions: ['serveAttach', 'forwardPorts'],
    },
    {
      title: "The connecters' checks and the kubelet's location",
      from: "Passing the connection on > an exec's container is ?container, or the pod's only one",
      functions: ['streamContainer', 'kubeletUrl', 'kubeletLocation', 'requestHead'],
    },
    {
      title: 'Handing the connection on, through the API server',
      from: 'Passing the connection on > the connection is handed to the kubelet and piped both ways, early bytes first',
      functions: ['proxyUpgrade', 'podConnecters'],
    },
  ],
  hints: {
    'Remote command channels > a message (of v5.channel.k8s.io) is its channel byte, then the bytes':
      'Buffer.concat of a one-byte Buffer holding the channel and Buffer.from(bytes). Lesson: § Remote command channels.',
    'Remote command channels > a message reads back as its channel and bytes; an empty one names no channel':
      'message[0] is the channel, message.subarray(1) the bytes; throw an Error mentioning "no channel" for an empty message. Lesson: § Remote command channels.',
    'Remote command channels > the query says the command, word by word, the container and the streams':
      'query.getAll("command") keeps the words in order; each stream flag is true for "true" or "1". Lesson: § Remote command channels.',
    'Remote command channels > a request for no stream at all, or for a tty with stderr, is refused':
      'Throw "you must specify at least 1 of stdin, stdout, stderr" when none is asked; a tty has one output, so tty with stderr is an error too. Lesson: § Remote command channels.',
    'Remote command channels > exit code 0 is a Success status':
      'A Status object: kind Status, apiVersion v1, metadata {}, status Success, and nothing else. Lesson: § Remote command channels.',
    'Remote command channels > another exit code is NonZeroExitCode with the code in an ExitCode cause':
      "status Failure, reason NonZeroExitCode, details.causes [{ reason: 'ExitCode', message: String(code) }]: kubectl reads the code from that cause. Lesson: § Remote command channels.",
    'Remote command channels > a resize message is the terminal size as JSON':
      'JSON.parse the bytes; the keys are Width and Height, capitalised as Go writes them. Lesson: § Remote command channels.',
    'A terminal without a terminal > typed keys are echoed, and Enter ("\\r") completes a line for the command':
      'Walk the keys one by one; "\\r" or "\\n" echoes "\\r\\n" and pushes the line plus "\\n"; any other key joins the line and is echoed. Lesson: § A terminal without a terminal.',
    'A terminal without a terminal > a line arrives whole, however the keys come':
      'Keep the line being typed in a field of the LineDiscipline, not in a local variable. Lesson: § A terminal without a terminal.',
    'A terminal without a terminal > backspace erases the last key, on screen too; at the start of a line it does nothing':
      '"\\x7f" (and "\\b") drop the last character and echo "\\b \\b": back, blank it, back again. Lesson: § A terminal without a terminal.',
    'A terminal without a terminal > ^C is an interrupt and drops the line being typed':
      '"\\x03" echoes "^C\\r\\n", sets interrupt and empties the line. Lesson: § A terminal without a terminal.',
    'A terminal without a terminal > ^D on an empty line ends the input; after some keys it sends them as they are':
      '"\\x04": an empty line means endOfInput; otherwise push the line without a newline and start a new one. Lesson: § A terminal without a terminal.',
    'A terminal without a terminal > output lines end "\\r\\n" on a terminal':
      'Replace each "\\n" not preceded by "\\r": a lookbehind, /(?<!\\r)\\n/g. Lesson: § A terminal without a terminal.',
    'SPDY frames > a control frame: control bit and version 3, type, flags, 24-bit length, payload':
      'Eight bytes: writeUInt16BE(0x8000 | 3), writeUInt16BE(type), then writeUInt32BE(flags << 24 | length); then the payload. Lesson: § SPDY frames.',
    'SPDY frames > a data frame: stream id with the control bit clear, flags, length, bytes':
      'The first word is the stream id (its top bit clear), the second flags << 24 | length. Lesson: § SPDY frames.',
    'SPDY frames > the reader cuts bytes into frames, whatever pieces they come in':
      'Keep what is left over; while 8 bytes are there and 8 + length of them, cut a frame: the top bit of the first word says control or data. Lesson: § SPDY frames.',
    'SPDY frames > a frame of another SPDY version is refused':
      'For a control frame, (first >>> 16) & 0x7fff is the version; anything but 3 throws an Error naming it. Lesson: § SPDY frames.',
    'SPDY frames > a header block counts its pairs, each name and value after its 4-byte length':
      'A 4-byte count, then for each pair a 4-byte length and the lower-cased name, a 4-byte length and the value. Lesson: § SPDY frames.',
    "SPDY frames > the dictionary is SPDY/3's: 1423 bytes, starting with options, head, post":
      'Each word of dictionaryWords after its 4-byte big-endian length, then dictionaryTail, all in latin1. Lesson: § SPDY frames.',
    "SPDY frames > kubectl's header blocks decompress, one after another, with the dictionary":
      'One zlib.createInflate({ dictionary }) for the connection: write each block, flush with Z_SYNC_FLUSH, collect the data, one block after the other (chain promises). Lesson: § SPDY frames.',
    'SPDY frames > what one end compresses, the other decompresses':
      'The mirror of decompress: one zlib.createDeflate({ dictionary }), a sync flush after each block. Lesson: § SPDY frames.',
    'SPDY frames > SYN_REPLY names its stream; RST_STREAM its stream and status':
      'Payloads: SYN_REPLY is the stream id then the block; RST_STREAM the stream id then the status; streamIdOf reads the first word without its top bit. Lesson: § SPDY frames.',
    'Port forwarding > each new stream is answered with a SYN_REPLY':
      'receive pushes bytes into a FrameReader; handle each frame in order on a promise chain; a SYN_STREAM gets synReply(id, await compress({})). Lesson: § Port forwarding.',
    "Port forwarding > with both streams of a request, bytes reach the pod's port and its answer comes back":
      'Group streams by their requestid header; once a request has its error and data streams, dial its port; data frames on the data stream go to that connection, and what it sends comes back as data frames. Lesson: § Port forwarding.',
    'Port forwarding > kubectl ending its data stream ends the connection; then both streams end':
      'A data frame with FIN: end() the connection. When the connection closes, send an empty FIN data frame on the data stream, then on the error stream. Lesson: § Port forwarding.',
    'Port forwarding > a port nothing listens on: the error stream says so, and ends':
      "On the connection's error, send \"error forwarding port <port> to pod <pod>: ...\" with the error's message as the error stream's last data frame (FIN). Lesson: § Port forwarding.",
    'Port forwarding > two requests are two connections to the pod':
      'Each request id has its own connection; stream ids map to request ids. Lesson: § Port forwarding.',
    'Port forwarding > a PING comes back as it was sent':
      'A PING control frame is answered with a PING with the same payload. Lesson: § Port forwarding.',
    'Port forwarding > a stream with no request id, a bad port or an unknown type is reset':
      'Reply first, then rstStream(id, protocolError) when requestid is missing, the port is not 1..65535, or streamtype is neither error nor data. Lesson: § Port forwarding.',
    "Port forwarding > kubectl's RST_STREAM drops the pod's connection, and the streams end":
      "RST_STREAM names a stream: destroy its request's connection; the close that follows ends the streams. Lesson: § Port forwarding.",
    'Port forwarding > closing the session ends every connection to the pod, and bytes that come after are dropped':
      'close() marks the session closed, destroys every connection and the compression; handle ignores frames once closed; a frame the reader refuses closes the session. Lesson: § Port forwarding.',
    "The kubelet's streaming server > its routes: /exec and /attach name a container, /portForward a pod":
      "Split the path on '/', decode each part; exec and attach have four parts, portForward three; anything else is undefined. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a refusal is a plain-text HTTP answer on the socket, which then closes":
      "socket.end() with a status line, Content-Type text/plain, Content-Length, Connection: close, a blank line, the message. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a route's container is its newest running attempt; none is a 404":
      "runtime.listContainers with state CONTAINER_RUNNING and the pod namespace, pod name and container name labels; the highest attempt wins; none is new StreamingError(404, 'container not found (\"<name>\")'). Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a pod's address is its ready sandbox's IP; no sandbox is a 404":
      "runtime.listPodSandbox with state SANDBOX_READY and the pod's labels; its ip. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > exec: the output on stdout, then Success on the error channel, then a normal close":
      "createStreamingServer: a WebSocketServer({ noServer: true }); upgrade() takes streaming routes, checks, then runtime.execStream and handleUpgrade; serveExec forwards stdout and stderr, waits for the exit and both streams to end, sends exitStatus on channel 3, closes with 1000. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a failing command: its stderr, and NonZeroExitCode with its code":
      "stderr's data goes on channel 2; the exit code goes through exitStatus. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > stdin: what the client sends reaches the command; close on stdin's channel ends it":
      "On a message: channel 0 writes to session.stdin; channel 255 with byte 0 ends it. Lesson: § The kubelet's streaming server.",
    'The kubelet\'s streaming server > with a tty, keys are echoed, lines reach the command, output ends "\\r\\n"':
      "With tty, stdin goes through a LineDiscipline: its echo on stdout, its lines to stdin, interrupt is kill('SIGINT'), endOfInput ends stdin; output goes through terminalOutput. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a client that goes away kills the command":
      "On the WebSocket's close before the command ended: session.kill('SIGKILL'). Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > a container not running here, no command, or no v5 protocol: refused before the upgrade":
      "Check before handleUpgrade: the Sec-WebSocket-Protocol offer, the stream request (400), the command, the container (404); a failure is refuse(socket, error). Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > attach: the container's output as it comes, and Success once it ends":
      "runtime.readLogs(id, { follow: true, signal }) until it ends; stderr lines on channel 2 when stderr was asked; then exitStatus(0). Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > attach with stdin: what the client types reaches the container's stdin":
      "When the request asks for stdin, runtime.openStdin(id) (undefined when it throws: the input is dropped); take the stdin channel as exec does (through a LineDiscipline with tty), ending that stdin on the close frame, on ^D, or when the client goes away. Keep what comes before the stdin is open (a PassThrough piped into it). Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > attach with a tty: ^C interrupts the container, as its terminal would":
      "Give takeInput an interrupt for attach too: runtime.interrupt(containerId), its error ignored (the container may have just ended). A real runtime's pseudo-terminal does this in the kernel; kata's runtime stands in for it. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > port-forward: SPDY inside a WebSocket with SPDY/3.1+portforward.k8s.io":
      "ws refuses the '/' in that name: check the offer yourself, put a token of your own in the request's sec-websocket-protocol header, and let handleProtocols answer the real name. Each binary message goes to a PortForwardSession. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > port-forward: or SPDY on the socket itself, after a plain SPDY/3.1 upgrade":
      "Without Upgrade: websocket, write the 101 (Upgrade: SPDY/3.1, X-Stream-Protocol-Version: portforward.k8s.io) and run the session over the socket, head first. Lesson: § The kubelet's streaming server.",
    "The kubelet's streaming server > other paths are not taken; close() ends every session":
      "upgrade() returns false for a path streamingRoute does not know; close() closes every WebSocket it accepted. Lesson: § The kubelet's streaming server.",
    "Passing the connection on > an exec's container is ?container, or the pod's only one":
      'query.get("container"), else the only name in spec.containers. Lesson: § Passing the connection on.',
    'Passing the connection on > no container named in a pod of two, one it lacks, or a completed pod: 400':
      'ApiError(400, \'BadRequest\', ...) with kube\'s words: "a container name must be specified for pod <name>, choose one of: [a b]", "container <c> is not valid for pod <name>", "cannot <verb> into a container in a completed pod; current phase is <phase>". Lesson: § Passing the connection on.',
    "Passing the connection on > the kubelet is at the node's InternalIP, on its daemon endpoint's port (10250 unsaid)":
      'status.addresses (type InternalIP) and status.daemonEndpoints.kubeletEndpoint.Port; no node is "pod <name> does not have a host assigned". Lesson: § Passing the connection on.',
    "Passing the connection on > the kubelet's path names the pod (and container); the query goes as it came":
      'new URL("/exec/<ns>/<name>/<container>", base), each part encoded; location.search = query.toString(). Lesson: § Passing the connection on.',
    "Passing the connection on > the request's head: same method and upgrade headers, the kubelet's host, no credentials":
      'Walk request.rawHeaders two by two, skipping Host and Authorization; lines joined by \\r\\n, a blank line at the end. Lesson: § Passing the connection on.',
    'Passing the connection on > the connection is handed to the kubelet and piped both ways, early bytes first':
      'net.connect to the location, wait for connect, then hijack(), write the head and the early bytes, pipe both ways, and destroy both when either closes. Lesson: § Passing the connection on.',
    'Passing the connection on > a kubelet that cannot be reached is a 500, and the connection is not taken':
      "Reject with ApiError(500, 'InternalError', 'error dialing backend: ...') before calling hijack(). Lesson: § Passing the connection on.",
    [`${api} > the connecters are exec, attach and portforward`]:
      'podConnecters returns three PodConnecters: exec and attach (a container, then the kubelet location) and portforward. Lesson: § Passing the connection on.',
    [`${api} > pods/exec reaches the kubelet's /exec of the pod's container, with the query`]:
      "exec's location: streamContainer, kubeletUrl, kubeletLocation('exec', ...); connect is proxyUpgrade. Lesson: § Passing the connection on.",
    [`${api} > pods/portforward reaches /portForward of the pod`]:
      "portforward's location is /portForward/<namespace>/<name> on the node's kubelet. Lesson: § Passing the connection on.",
    [`${api} > a request that does not upgrade, or names a missing container, is a 400 Status`]:
      'The API server answers "Upgrade request required" itself; location throwing its 400 stops the request before any kubelet is dialed. Lesson: § Passing the connection on.',
  },
};

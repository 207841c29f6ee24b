// Chapter 06's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter6: Chapter = {
  id: '06',
  slug: 'kubelet',
  title: 'The kubelet',
  builds:
    'the node agent: registration and Lease heartbeats, pods on a container runtime (real processes), pod status, restarts with crash back-off, probes',
  stages: [
    {
      title: 'The Node and its Lease',
      from: 'Registering the node > the Node names its addresses, what it offers, its pod range and its kubelet port',
      functions: ['healthyConditions', 'goPlatform', 'nodeObject', 'nodeLease'],
    },
    {
      title: 'Registration and heartbeats',
      from: 'Registering the node > repeatEvery runs its work every period on the clock, the next one a period after the last ended',
      functions: ['repeatEvery', 'Kubelet.register', 'Kubelet.heartbeat', 'Kubelet.keepAlive'],
    },
    {
      title: 'Container states',
      from: 'Pod status > a container not started yet is waiting, ContainerCreating',
      functions: ['containerStatus'],
    },
    {
      title: "The pod's phase and conditions",
      from: 'Pod status > the phase: Pending until every container starts, Running while any runs',
      functions: ['podPhase', 'podConditions'],
    },
    {
      title: 'The whole status; restart policy and crash back-off',
      from: "Pod status > the whole status: phase, conditions, the pod's and the node's IP, the start time",
      functions: [
        'podStatus',
        'shouldRestart',
        'CrashBackoff.remainingMs',
        'CrashBackoff.currentMs',
        'CrashBackoff.next',
        'CrashBackoff.forget',
      ],
    },
    {
      title: 'The next step for a container; its sandbox',
      from: 'Restarts > a container never started is started as attempt 0; one that runs is left alone',
      functions: ['nextStep', 'crashLoopMessage', 'podLabels', 'sandboxConfig', 'newestAttempt'],
    },
    {
      title: 'Container configs and the relist',
      from: 'Running pods > a Service named web-api gives WEB_API_SERVICE_HOST and WEB_API_SERVICE_PORT',
      functions: ['serviceEnvironment', 'containerConfig', 'changedPods'],
    },
    {
      title: 'A sandbox and a first start',
      from: "Running pods > ensureSandbox makes a pod's sandbox once, with an IP from the node's range, then finds it",
      functions: ['Kubelet.ensureSandbox', 'Kubelet.startContainer'],
    },
    {
      title: "Writing the pod's status",
      from: "Running pods > writeStatus reports what runs: Running, the pod's IP and the node's, the container ready",
      functions: ['Kubelet.writeStatus'],
    },
    {
      title: 'One pod in step with its spec',
      from: "Running pods > syncPod starts a new pod's containers in its sandbox, and writes that it runs",
      functions: ['Kubelet.syncContainer', 'Kubelet.syncPod'],
    },
    {
      title: 'The kubelet loop',
      from: 'Running pods > a pod bound to this node gets a sandbox and its containers, and is Running with its IPs',
      functions: ['Kubelet.run', 'Kubelet.reconcile'],
    },
    {
      title: 'Adopting and deleting pods; real processes',
      from: 'Running pods > a kubelet that restarts adopts the containers that run instead of starting them again',
      functions: ['Kubelet.killPod', 'Kubelet.terminatePod'],
    },
    {
      title: 'Probing once',
      from: 'Probes > httpGet: 200 to 399 is a success',
      functions: ['runProbe', 'probeOnce'],
    },
    {
      title: "A probe's verdict",
      from: 'Probes > the verdict turns after failureThreshold failures in a row, and back after successThreshold successes',
      functions: [
        'ProbeTracker',
        'ProbeTracker.record',
        'ContainerProbes',
        'ContainerProbes.started',
        'ContainerProbes.ready',
      ],
    },
    {
      title: 'Probes on a schedule',
      from: 'Probes > a probe runs first after initialDelaySeconds, then every periodSeconds',
      functions: ['ContainerProbes.start', 'ContainerProbes.stop'],
    },
    {
      title: 'The kubelet acts on probes; its own API',
      from: 'Probes > the kubelet > a readiness probe decides Ready: false until it passes, true once it does',
      functions: ['Kubelet.syncProbes', 'serveKubeletApi'],
    },
    {
      title: 'Container logs',
      from: "Logs > the kubelet API serves a container's log, all of it or its last lines",
      functions: ['streamLog', 'logRequest', 'rfc3339Nano', 'attemptToRead'],
    },
    {
      title: "The kubelet's Events",
      from: 'Events > an Event about a container names its pod, the container by fieldPath, and the kubelet on its node',
    },
  ],
  hints: {
    'Registering the node > the Node names its addresses, what it offers, its pod range and its kubelet port':
      'Build the Node from the config: metadata.name, status.addresses (InternalIP, then Hostname), capacity and allocatable (both the configured capacity), spec.podCIDR, and status.daemonEndpoints.kubeletEndpoint.Port (config.port, else 10250). Lesson: § Registering the node.',
    'Registering the node > the Node carries the labels and the version kubectl shows':
      'Give metadata.labels the well-known kubernetes.io/hostname (the node name; os and arch too), and status.nodeInfo the exported kubeletVersion. Lesson: § Registering the node.',
    "Registering the node > the os and the architecture are in Go's names, the same in the labels and in nodeInfo":
      'goPlatform: a small table for the names that differ (x64 is amd64, ia32 is 386, win32 is windows), anything else as it is. nodeObject calls it once and uses the answer for the labels kubernetes.io/os and kubernetes.io/arch and for nodeInfo.operatingSystem and architecture. Lesson: § Registering the node.',
    "Registering the node > a new node is Ready, with no memory, disk or PID pressure, in Kubernetes' words":
      "healthyConditions(now): four conditions in this order, MemoryPressure, DiskPressure and PIDPressure False, Ready True, each with its exact reason and message (the stub's doc comment lists them). nodeObject puts them in status.conditions. Lesson: § Registering the node.",
    'Registering the node > every condition was last heard from and last changed at the time given':
      'Each condition gets the `now` it is given as both lastHeartbeatTime and lastTransitionTime. A table of [type, status, reason, message] mapped to objects keeps it short. Lesson: § Registering the node.',
    'Registering the node > the heartbeat Lease is named after the node, in kube-node-lease, held by the node':
      'nodeLease: apiVersion coordination.k8s.io/v1, kind Lease, metadata { name: the node, namespace: kube-node-lease }, spec { holderIdentity: the node, leaseDurationSeconds, renewTime }. Lesson: § Registering the node.',
    'Registering the node > repeatEvery runs its work every period on the clock, the next one a period after the last ended':
      "Set one timer with clock.setTimeout; when it fires, call work() and set the next timer only once its promise has settled (.finally), so two runs never overlap. Never use the global setTimeout: the test's clock is fake. Lesson: § Registering the node.",
    'Registering the node > repeatEvery keeps going after a run that fails, and stops when its signal aborts':
      "Catch the run's rejection (a failed heartbeat is not the end of the kubelet), and keep the pending timer in a variable: on the signal's abort event, clock.clearTimeout it, and set no new one once signal.aborted. Lesson: § Registering the node.",
    'Registering the node > a kubelet registers its Node with the API server':
      "register(): client.resource('nodes').create(nodeObject(options, the time now)). The clock is this.clock; the time as RFC 3339 is rfc3339 from harness/clock.ts. Lesson: § Registering the node.",
    'Registering the node > a kubelet that restarts registers again without an error':
      'A create that fails with isAlreadyExists (harness/client/errors.ts) means the node is back: write its status (and spec) with toolkit.updateWithRetry(nodes, name, change, { status: true }) instead. Lesson: § Registering the node.',
    'Registering the node > the first heartbeat creates the Lease; the next ones renew it':
      'heartbeat(): update the Lease in kube-node-lease with toolkit.updateWithRetry, setting spec.renewTime to now as a MicroTime (six fractional digits: microTime in harness/clock.ts) and holderIdentity; on isNotFound, create it with nodeLease. Lesson: § Registering the node.',
    'Registering the node > it renews its Lease every 10 seconds':
      'keepAlive(signal): register(), heartbeat() once, then repeatEvery(this.clock, heartbeatMs ?? 10 000, signal, () => this.heartbeat()). Resolve once the first heartbeat is done. Lesson: § Registering the node.',
    'Registering the node > a node marked Unknown by the control plane is posted Ready again at the next heartbeat':
      "At the end of heartbeat(), get the Node: if its Ready condition's status is not 'True' (the node lifecycle controller wrote Unknown), register() again, which writes the healthy status. Lesson: § Registering the node.",
    'Pod status > a container not started yet is waiting, ContainerCreating':
      "No latest attempt and nothing held back: state { waiting: { reason: 'ContainerCreating' } }, ready and started false, restartCount 0, imageID '' (no image pulled for it yet). Lesson: § Pod status.",
    'Pod status > a running container is running since it started, and ready':
      "The runtime's CONTAINER_RUNNING becomes state.running with startedAt as rfc3339, ready and started true; containerID and imageID are 'kata://' + the attempt's id and image. Lesson: § Pod status.",
    'Pod status > a running container is ready and started only as its probes say':
      'While it runs, ready and started come from the observation (what the probes say), and default to true only when the observation leaves them undefined: use ??, not ||. Lesson: § Pod status.',
    'Pod status > an exited container is terminated: Completed for 0, Error otherwise, with its exit code':
      'CONTAINER_EXITED becomes state.terminated { exitCode, reason, startedAt, finishedAt } (times as rfc3339); with no reason from the runtime, Completed for exit code 0 and Error otherwise. ready stays false. Lesson: § Pod status.',
    'Pod status > a terminated container keeps the reason and message the runtime gave':
      "Prefer the runtime's own reason (StartError, say) over the one you work out, and carry its message when it has one. Lesson: § Pod status.",
    'Pod status > a container held back shows the reason, its last run in lastState, and its restarts':
      "When the observation has `waiting`, the state is waiting with that reason; if the latest attempt exited, its terminated state goes in lastState. restartCount is the latest attempt's number. Lesson: § Pod status.",
    'Pod status > a container held back before it ever ran has its reason and message, and no lastState':
      'Held back with no attempt at all (an image that never pulled): waiting with the reason and message given, and lastState left out, not an empty object. Lesson: § Pod status.',
    'Pod status > the phase: Pending until every container starts, Running while any runs':
      'Count the containers running, waiting and stopped: any waiting (ContainerCreating, ErrImagePull) makes the pod Pending; else any running makes it Running. No statuses at all: Pending. Lesson: § Pod status.',
    'Pod status > the phase once all ended: by restartPolicy and exit codes':
      'A container waiting with a lastState.terminated counts as stopped; then the restart policy decides between Running, Succeeded and Failed. Lesson: § Pod status.',
    'Pod status > with several containers, the pod is done only when all are, and Succeeded only if all exited 0':
      'Count the stopped containers and, among them, those that exited 0: Succeeded needs every one of them to have exited 0; with Never, one failure makes the pod Failed, with OnFailure it stays Running. Lesson: § Pod status.',
    'Pod status > Ready and ContainersReady hold when every container is ready, and say which are not':
      'Four conditions in order: Initialized True, Ready and ContainersReady (True when there are containers and all are ready, else False with reason ContainersNotReady and a message), PodScheduled True. Lesson: § Pod status.',
    'Pod status > the message names every container that is not ready, in order':
      "The message is 'containers with unready status: [' + the names of the unready containers joined by spaces + ']'. Every condition has lastProbeTime null. Lesson: § Pod status.",
    'Pod status > a condition keeps its lastTransitionTime until its status changes':
      'Look the condition up in `previous`: same status, keep its lastTransitionTime; otherwise it is `now`. Lesson: § Pod status.',
    "Pod status > the whole status: phase, conditions, the pod's and the node's IP, the start time":
      'podStatus: containerStatus of each observation, then podPhase and podConditions of those; hostIP, startTime, and podIP plus podIPs [{ ip }] when there is a pod IP. Times as rfc3339(inputs.now). Lesson: § Pod status.',
    'Pod status > conditions the kubelet does not own, such as DisruptionTarget, are kept as they were':
      'After your four conditions, append every previous condition whose type is not one of them, unchanged. Lesson: § Pod status.',
    'Pod status > the start time is kept from the previous status; a pod with no IP yet shows none':
      "startTime is the previous status's when there is one, else now; leave podIP and podIPs out altogether when inputs.podIP is undefined. Lesson: § Pod status.",
    'Restarts > Always restarts every exit, OnFailure only failures, Never none':
      'shouldRestart: Never, never; OnFailure, only a non-zero exit; Always, and no policy at all (Always is the default), every exit. Lesson: § Restarts.',
    'Restarts > the first restart is at once; then 10 s, 20 s, 40 s ... after each exit':
      'Keep per key the wait and the last finishedAt: remainingMs is 0 with no entry, else wait - (now - finishedAt); next() starts at initialMs and doubles. Lesson: § Restarts.',
    'Restarts > the wait counts from the exit: what is left of it shrinks as time passes':
      'remainingMs(key, finishedAt, now) is the wait minus the time since finishedAt, never below 0; a key never seen has nothing to wait for. Lesson: § Restarts.',
    'Restarts > the wait never exceeds 5 minutes':
      'Double the wait at each next(), but never past maxMs (300 000 by default): Math.min. Lesson: § Restarts.',
    'Restarts > a container that ran well for a long time starts over at 10 s':
      'In next(), a container that finished more than 2 * maxMs after its last recorded exit has earned a fresh start: the wait goes back to initialMs. Lesson: § Restarts.',
    'Restarts > waits are scaled by configuration, for tests and impatient demos':
      'Use this.initialMs and this.maxMs (from the options), never the literal 10 s and 5 minutes; forget(key) drops the entry, so remainingMs and currentMs answer 0 again. Lesson: § Restarts.',
    'Restarts > a container never started is started as attempt 0; one that runs is left alone':
      "nextStep: no latest attempt, { action: 'start', attempt: 0 }; an attempt that is CONTAINER_RUNNING or CONTAINER_CREATED, { action: 'none' }. Lesson: § Restarts.",
    'Restarts > an exited container is left alone when its restartPolicy says so':
      "For an exited attempt, ask shouldRestart(policy, latest.exitCode) first: no, and the step is { action: 'none' }: the container ended for good. Lesson: § Restarts.",
    'Restarts > an exited container restarts as the next attempt, and the restart is recorded in the back-off':
      "With a restart due: remainingMs(key, latest.finishedAt, now) > 0 means { action: 'wait', waitMs, backoffMs: currentMs(key) }; otherwise call backoff.next(key, latest.finishedAt) and start latest.metadata.attempt + 1. Lesson: § Restarts.",
    "Restarts > the CrashLoopBackOff message names the wait, the container and the pod, in the kubelet's words":
      "'back-off ' + the back-off in whole seconds (Math.round) + 's restarting failed container=' + the container + ' pod=' + name_namespace(uid). Lesson: § Restarts.",
    "Running pods > a pod's sandbox is named after it, and labelled with its name, namespace and uid":
      'podLabels: the three label keys of harness/runtime/cri.ts (podNameLabel, podNamespaceLabel, podUidLabel). sandboxConfig: metadata with attempt 0, hostname (spec.hostname, else the name) and podLabels. Lesson: § Running pods.',
    'Running pods > the newest attempt of a container is the one with the highest attempt number':
      "The runtime lists attempts in no promised order: pick the one with the greatest metadata.attempt (a reduce), undefined for an empty list. Don't sort the caller's array in place. Lesson: § Running pods.",
    'Running pods > a Service named web-api gives WEB_API_SERVICE_HOST and WEB_API_SERVICE_PORT':
      "The prefix is the Service's name upper-cased with '-' as '_'; HOST is spec.clusterIP, PORT the first port's number as a string. Lesson: § Running pods.",
    'Running pods > each named port gets a variable of its own; a headless Service or one without ports, none':
      "Add <PREFIX>_SERVICE_PORT_<NAME> for each port that has a name (same upper-casing); skip a Service whose clusterIP is empty or 'None', or that has no ports. Lesson: § Running pods.",
    "Running pods > a container's config carries its image, command, args, ports and working directory":
      "containerConfig: metadata { name, attempt }, and the spec's image, command, args, workingDir, stdin, stdinOnce, tty as they are; ports mapped to { containerPort, name, protocol }. Lesson: § Running pods.",
    "Running pods > a container's env has the Services' variables, then its own; its labels name its pod and itself":
      "env: serviceEnvironment(services) first, then the container's own as { name, value } ('' when it has no value), so its own win. labels: podLabels(pod) plus containerNameLabel. Lesson: § Running pods.",
    'Running pods > the relist names the pods whose containers are new or changed state since the last look':
      "changedPods: record every container's state by id in a new map; a container whose state differs from last's (or that last did not have) adds the key namespace/name, read from its podNamespaceLabel and podNameLabel. Lesson: § Running pods.",
    "Running pods > ensureSandbox makes a pod's sandbox once, with an IP from the node's range, then finds it":
      "First ask the runtime: listPodSandbox with the pod's uid label and state SANDBOX_READY. None: runPodSandbox(sandboxConfig(pod)), then podSandboxStatus(id), whose ip is the pod's IP. Lesson: § Running pods.",
    'Running pods > startContainer pulls the image, then creates the attempt from its config and starts it':
      'runtime.pullImage(image), then createContainer(sandbox.id, containerConfig(pod, container, attempt, services)) and startContainer(id); services are none until run() watches them. Answer undefined when it started. Lesson: § Running pods.',
    'Running pods > an image that cannot be pulled: ErrImagePull, then ImagePullBackOff without pulling until the next try':
      'Catch ImagePullError: answer { reason: error.reason, message: error.message } and remember, per pod uid, container and image, the time the next pull may be (now + imageBackoffMs). Before that time, answer ImagePullBackOff without pulling. Lesson: § Running pods.',
    "Running pods > writeStatus reports what runs: Running, the pod's IP and the node's, the container ready":
      'For each container of the spec, its newest attempt in the sandbox (listContainers by podSandboxId and containerNameLabel), as a ContainerObservation; then podStatus({ spec, previous: pod.status, containers, podIP: sandbox.ip, hostIP: nodeIp, now }) and pods.updateStatus({ ...pod, status }). Lesson: § Running pods.',
    'Running pods > writeStatus shows a container that is held back as waiting, with the reason given':
      "Put held.get(container.name) in the observation's `waiting`: containerStatus does the rest. Lesson: § Running pods.",
    'Running pods > writeStatus writes nothing when the pod shows that status already':
      'Compare the new status with pod.status before writing (JSON.stringify of both is enough: podStatus builds them in the same key order) and return when they are the same. Lesson: § Running pods.',
    'Running pods > writeStatus of a pod that is not the latest version still writes (a 409, then a retry)':
      "updateStatus sends the pod's resourceVersion: a stale one gets isConflict. Then toolkit.updateWithRetry(pods, name, (current) => { current.status = status }, { status: true }) reads the latest and writes again. A pod gone (isNotFound) is no error. Lesson: § Running pods.",
    "Running pods > syncPod starts a new pod's containers in its sandbox, and writes that it runs":
      "syncPod: ensureSandbox, then syncContainer for each container in spec order, collecting in a Map what each answers held back, then writeStatus. syncContainer: the newest attempt, nextStep, and on 'start' startContainer. Lesson: § Running pods.",
    'Running pods > syncPod of a pod whose containers run starts nothing new':
      "Everything syncPod does starts from what the runtime has: the READY sandbox with the pod's uid, each container's newest attempt; nextStep says 'none' for a running one. Lesson: § Running pods.",
    'Running pods > syncPod restarts an exited container at once, then holds it in CrashLoopBackOff for 10 s':
      "syncContainer passes nextStep the pod's restartPolicy, this.backoff and the key '<pod uid>/<container name>'. On 'wait': enqueue the pod key after waitMs and answer { reason: 'CrashLoopBackOff', message: crashLoopMessage(...) }. Lesson: § Restarts.",
    'Running pods > a pod bound to this node gets a sandbox and its containers, and is Running with its IPs':
      'The constructor makes an informer on pods with fieldSelector spec.nodeName=<node> and one on services. run(): keepAlive, the services informer (run, waitForSync), and toolkit.createController whose reconcile is this.reconcile; set this.enqueue to its queue. reconcile(key): the pod from the informer, then syncPod. Lesson: § Running pods.',
    'Running pods > a pod bound to another node is not this kubelet’s':
      "The pod informer's fieldSelector spec.nodeName=<this node> lets the API server send only this node's pods: the kubelet never sees the others. Lesson: § Running pods.",
    'Running pods > the containers get the env the pod spec gives them':
      "startContainer hands containerConfig to createContainer: the container's own env and args go through as the spec gives them. Lesson: § Running pods.",
    "Running pods > a container finds its namespace's Services in its environment":
      "Keep the services informer in a field; in startContainer, pass containerConfig the Services of the pod's namespace (informer.byIndex('namespace', namespace)). Lesson: § Running pods.",
    'Running pods > a container that exits is restarted at once, then after 10 s in CrashLoopBackOff':
      'Nobody tells the API server a process exited: in run(), every relistMs (repeatEvery), list the runtime containers, feed them to changedPods with the states of the last look, and enqueue each key it names. Lesson: § Running pods.',
    'Running pods > restartPolicy Never: an exit is final, and a failure makes the pod Failed':
      "The relist queues the pod; nextStep says 'none' for a container whose policy forbids the restart, and writeStatus reports the phase podPhase works out. Lesson: § Restarts.",
    'Running pods > restartPolicy OnFailure: a clean exit makes the pod Succeeded':
      'Same path as Never: an exit 0 under OnFailure is not restarted, and every container having exited 0 makes the pod Succeeded. Lesson: § Restarts.',
    'Running pods > an image that cannot be pulled is tried again once its back-off has passed':
      'startContainer enqueues the pod key after imageBackoffMs when a pull fails (and after what is left of it during ImagePullBackOff): the queue brings the pod back when the next try is due. Lesson: § Running pods.',
    'Running pods > a kubelet that restarts adopts the containers that run instead of starting them again':
      "A new kubelet remembers nothing, and needs nothing: ensureSandbox and syncContainer look in the runtime first (by the pod's uid and the container's name labels) and create only what is missing. Lesson: § Running pods.",
    'Running pods > a pod deleted gracefully has its containers stopped within its grace, then is removed':
      'reconcile: a pod with metadata.deletionTimestamp goes to terminatePod: killPod(key, deletionGracePeriodSeconds ?? 30), then delete it with { gracePeriodSeconds: 0, preconditions: { uid } } (NotFound is fine). killPod stops each running container with that grace and removes the sandbox. Lesson: § Running pods.',
    'Running pods > a pod removed from the API at once still has its containers stopped and its sandbox removed':
      "A pod the informer no longer has goes to killPod with the grace it had: remember each pod's terminationGracePeriodSeconds (30 by default) in the informer's add and delete handlers, by key. Lesson: § Running pods.",
    'Real processes > an echo pod answers HTTP on its own pod IP, with its name':
      "Pass the container's ports to createContainer (containerConfig does): the echo program listens on the pod IP and each containerPort. Lesson: § Real processes.",
    'Real processes > deleting the pod ends its process':
      'Nothing new to write: the same killPod, on ProcessRuntime, sends SIGTERM to a real process. If it fails, check that killPod finds the sandbox by its namespace and name labels and stops every running container. Lesson: § Real processes.',
    'Probes > httpGet: 200 to 399 is a success':
      'fetch(`http://${host ?? podIP}:${port}${path}`, { signal: AbortSignal.timeout(timeoutSeconds * 1000) }); a status from 200 to 399 is a success. Cancel the body you do not read. Lesson: § Probes.',
    'Probes > httpGet: 400 and above, or nobody listening, is a failure':
      'A status of 400 or more is a failure, and so is a rejection (connection refused, timeout): wrap the whole probe in try/catch and answer false. probeOnce never throws. Lesson: § Probes.',
    "Probes > httpGet asks the pod's IP, at the probe's path, / when it names none":
      "The host is probe.httpGet.host if given, else the target's podIP; the path is probe.httpGet.path, '/' by default. Lesson: § Probes.",
    'Probes > tcpSocket: a connection accepted is a success; a port by name is looked up':
      "net.connect({ host, port, timeout }): 'connect' is a success, 'error' or 'timeout' a failure; destroy the socket either way. A port given as a string is the containerPort of the container's port with that name. Lesson: § Probes.",
    'Probes > exec: exit code 0 is a success, anything else a failure':
      'runtime.exec(target.containerId, probe.exec.command, timeoutSeconds ?? 1): exit code 0 is a success. Lesson: § Probes.',
    'Probes > exec: a command that timed out is a failure, whatever its exit code':
      'Check result.timedOut as well as the exit code; an exec the runtime refuses (the container is not running) rejects: that is a failure too, not an error. Lesson: § Probes.',
    "Probes > a failed probe says why, in kube's words":
      'runProbe answers { success, output } and probeOnce is its success. The output of a failure is what kube prints after "probe failed:": the status code of an HTTP answer, Go\'s "dial tcp <host>:<port>: connect: connection refused" for a refused connection (the error\'s code, or its cause\'s, is ECONNREFUSED), an exec command\'s stdout then stderr, or `command "<command>" timed out`. Lesson: § Probes.',
    'Probes > the verdict turns after failureThreshold failures in a row, and back after successThreshold successes':
      'Count successes and failures in a row (each resets the other); turn the verdict when the count reaches its threshold, and answer true only on the result that turned it. Lesson: § Probes.',
    'Probes > by default one success makes the verdict healthy, and three failures in a row unhealthy':
      'successThreshold defaults to 1 and failureThreshold to 3 when the probe leaves them out. Lesson: § Probes.',
    'Probes > a probe that never passed says so once, when it reaches failureThreshold':
      'A verdict that is still unhealthy cannot turn, but a startup probe must be able to give up: answer true once, on the failure that makes the count equal to failureThreshold. Lesson: § Probes.',
    'Probes > before any probe has run: started and ready as the probes a container has':
      'The constructor makes one ProbeTracker per probe the container has: startup and readiness start unhealthy, liveness healthy. started: the startup verdict (true without one). ready: started and the readiness verdict (true without one). Lesson: § Probes.',
    'Probes > a probe runs first after initialDelaySeconds, then every periodSeconds':
      'start(): per probe, a timer on the clock after initialDelaySeconds (0); when it fires, run probeOnce, record the result, then set the next timer periodSeconds (10) later. Keep the timers, stop() will clear them. Lesson: § Probes.',
    'Probes > readiness that turns calls onChange, and ready follows it':
      "After recording a readiness result, call events.onChange() when record() answered true (the verdict turned): the kubelet writes the pod's status again. Lesson: § Probes.",
    'Probes > liveness failing failureThreshold times in a row calls onFailure':
      'A liveness verdict that turns unhealthy calls events.onFailure() (the kubelet kills the container). A liveness verdict that turns healthy again calls nothing. Lesson: § Probes.',
    'Probes > each failed run calls onUnhealthy with the kind of probe and its output':
      'In the scheduled run, use runProbe instead of probeOnce, and on a failure call events.onUnhealthy?.(kind, output) before recording the result, every time (not only when the verdict turns). Each schedule needs to know its kind: Startup, Readiness or Liveness. Lesson: § Probes.',
    'Probes > readiness and liveness wait until the startup probe has passed':
      'Readiness and liveness timers keep their schedule, but while `started` is false they skip the check. The startup verdict turning healthy calls onChange. Lesson: § Probes.',
    'Probes > a startup probe that never passes calls onFailure once it reaches failureThreshold':
      'A startup result that changed the answer while the verdict is still unhealthy means it gave up: call onFailure, as liveness does. Lesson: § Probes.',
    'Probes > stop: no probe runs after it, and no timer is left on the clock':
      'stop(): clear every pending timer with clock.clearTimeout and remember that you stopped, so a probe already running when stop() came records nothing and sets no next timer. Lesson: § Probes.',
    'Probes > the kubelet > a readiness probe decides Ready: false until it passes, true once it does':
      "syncPod calls syncProbes for a container with any probe: a ContainerProbes on its running attempt, kept per pod uid and container name with the attempt's id; writeStatus passes its started and ready into the observation; onChange enqueues the pod. Lesson: § Probes.",
    'Probes > the kubelet > a readiness probe that starts failing takes the pod out of Ready, without a restart':
      "Readiness only calls onChange: the next sync writes the container not ready, and the pod's Ready condition False. Only onFailure stops a container. Lesson: § Probes.",
    'Probes > the kubelet > a liveness probe that fails three times in a row kills the container, which restarts':
      "onFailure: stop the probes, runtime.stopContainer(id, the pod's grace), then enqueue the pod: its next sync sees the attempt exited and restarts it as its restartPolicy says; syncProbes then watches the new attempt. Lesson: § Probes.",
    'Logs > the kubelet API answers /healthz, and 404 to what it does not serve':
      "http.createServer, listen(port, address) and resolve once listening, with url from server.address().port. Route on new URL(request.url).pathname: /healthz answers 200 'ok'; a GET of /containerLogs/<ns>/<pod>/<container> goes to streamLog; anything else 404. close(): server.close and closeAllConnections. Lesson: § Logs.",
    "Logs > the kubelet API lets later chapters' routes answer first, on the server `serving` makes":
      "In the handler, first look for a route whose path is the URL's pathname: a GET of it is route.serve(request, response), before /healthz. Build the upgrade listener (streaming?.upgrade, else a 404 written on the socket) and make the server with serving.createServer(handler, upgrade) when serving is given, else http.createServer(handler).on('upgrade', upgrade); the url's scheme is https with serving. Lesson: § Logs.",
    "Logs > the kubelet API serves a container's log, all of it or its last lines":
      "streamLog: listContainers by the namespace, pod and container name labels, newestAttempt; none: 404 with the message. Else 200 text/plain, and for await over runtime.readLogs(id, { tailLines, follow, signal }) write each line's content and a newline. Lesson: § Logs.",
    "Logs > after a restart, the log is the newest attempt's":
      'Each attempt has a log of its own: pick the attempt with the highest attempt number (newestAttempt), as kubectl logs shows the current run (and --previous the one before). Lesson: § Logs.',
    "Logs > previous reads the attempt before the newest; without one, a 400 in kube's words":
      'attemptToRead: newestAttempt of all, or with previous newestAttempt of the others. streamLog reads logRequest(query, Date.now()); no attempt to read while the container has some is the 400 `previous terminated container "<c>" in pod "<p>" not found`. Lesson: § Logs.',
    'Logs > previous, while a crashed container waits to run again, is the run that just ended':
      "kube reads previous from the pod status's lastState. While a container waits out its back-off, that is the newest attempt itself: with previous, an exited newest attempt that shouldRestart(restartPolicy, exitCode) is the one to read. serveKubeletApi passes restartPolicyOf(namespace, pod) to streamLog, streamLog to attemptToRead. Lesson: § Logs.",
    "Logs > sinceSeconds and sinceTime leave older lines out; timestamps puts each line's time first":
      'logRequest turns sinceSeconds (now minus that many seconds) or sinceTime (Date.parse) into `since`; streamLog skips a line whose Date.parse(line.time) is before it. With timestamps, write rfc3339Nano(line.time) and a space first: strip the trailing zeros of the fraction, and the dot when nothing is left. Lesson: § Logs.',
    'Logs > limitBytes ends the log after that many bytes':
      "Keep a budget of limitBytes (Infinity without it): write at most that much of each line (a Buffer's subarray), take its length off, and stop reading once the budget is spent. Lesson: § Logs.",
    'Logs > follow keeps the answer open and sends each new line as the container prints it':
      "Pass follow: query.get('follow') === 'true' to readLogs and write each line as it comes (response.write, not one end() with everything). Abort readLogs' signal on the response's 'close', or a reader stays behind when the client leaves. Lesson: § Logs.",
    "Logs > kubectl logs' request: the API server passes pods/log on to the pod's node":
      'In run(), with options.port set, serve the kubelet API before registering, and register the Node with the port it got: the API server reads daemonEndpoints.kubeletEndpoint.Port to reach it. Lesson: § Logs.',
    'Events > an Event about a container names its pod, the container by fieldPath, and the kubelet on its node':
      'kubeletEvent: a core/v1 Event with generateName "<pod>.", involvedObject the Pod (apiVersion v1, kind Pod, namespace, name, uid) plus fieldPath spec.containers{<name>} only when a container is given, the note\'s type, reason and message, source { component: "kubelet", host: the node } and reportingComponent "kubelet". Lesson: § Events.',
    "Events > the kubelet's reasons and messages, in its words":
      'One small function per note, each answering { type, reason, message } with the exact words in its doc comment: clients and people search for them. The pod in BackOff is written name_namespace(uid). Lesson: § Events.',
    'Events > a pod that starts: Pulled, Created and Started, about its container':
      "Give the Kubelet an EventRecorder (eventRecorder(client, clock) from harness/client/events.ts) and a record(pod, note, container) that does not await it. startContainer records pulled after pullImage, created after createContainer, started after startContainer (and failed with the error's message if either throws). Lesson: § Events.",
    'Events > a container the runtime cannot start: Failed, "Error: " and the runtime\'s reason':
      'Wrap createContainer and startContainer in startContainer: when either throws, record failed(error.message) about the container, then throw the error on (the sync fails and is tried again; the exited attempt goes through the crash back-off). Lesson: § Events.',
    'Events > a crash loop: BackOff, one Event whose count grows at each back-off':
      'syncContainer records backOff(pod, name) whenever it holds a container in CrashLoopBackOff. The recorder turns the repeats into one Event whose count grows: nothing to count yourself. Lesson: § Events.',
    'Events > a liveness probe that fails: Unhealthy with its output, then Killing, "will be restarted"':
      'In syncProbes, give ContainerProbes an onUnhealthy that records unhealthy(kind, output), and make onFailure record killing(name, "liveness") (or "startup" while the container has not started) before it stops the container. Lesson: § Events.',
    'Events > a pod deleted: Killing, "Stopping container", for each running container':
      "killPod records killing(name) for each running container before it stops them. It has no Pod, only the key and the container's labels: { metadata: { name, namespace, uid: labels[podUidLabel] } } is enough for kubeletEvent. Lesson: § Events.",
  },
};

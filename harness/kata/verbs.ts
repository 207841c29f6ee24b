// The `kata` verbs: what each is called, takes and does, as `kata help` lists them (in this order)
// and the command line reads them (harness/kata/args.ts). Each room of harness/kata/ runs its own
// verbs (learn/, course-check/ and cluster/, each a commands.ts).

export type Flag = { type: 'boolean' | 'string'; short?: string; description: string };

export interface Verb {
  usage: string;
  summary: string;
  flags: Record<string, Flag>;
  /** What the positional argument is, if the verb takes one. */
  positional?:
    | 'chapter'
    | 'chapters'
    | 'component'
    | 'bench'
    | 'pod'
    | 'rollout'
    | 'object'
    | 'action'
    | 'url';
  /** A required positional: `kata reset` must be told which chapter. */
  required?: boolean;
  /** The chapter may name one of its stages too: `kata test 01.3`. */
  stages?: boolean | 'required';
  /** A chapter taught in parts may be named whole: `kata test 16` runs 16a, then 16b. */
  parts?: boolean;
  /** Everything after the positional goes to the program untouched (`kata run store --data-dir`). */
  passThrough?: boolean;
}

export const verbose: Flag = {
  type: 'boolean',
  description: 'print stack traces of unexpected errors',
};

// Flags several cluster verbs share.
const serverFlag: Flag = {
  type: 'string',
  description: 'the API server (default: .kata/kubeconfig, else http://127.0.0.1:6443)',
};
const namespaceFlag: Flag = { type: 'string', short: 'n', description: 'the namespace (default)' };
const dataDirFlag: Flag = {
  type: 'string',
  description: "the cluster's data directory (default .kata/cluster)",
};

export const verbs: Record<string, Verb> = {
  status: {
    usage: 'kata [status]',
    summary: 'where you stand: every chapter, the current one, your next failing test and its hint',
    flags: {},
  },
  test: {
    usage: 'kata test [NN[.S]] [--solutions]',
    summary:
      "run a chapter's tests, or one stage's (01.3), on your code (default: the current chapter) and record progress; a chapter in parts (16) runs each part",
    flags: {
      solutions: { type: 'boolean', description: 'run the same tests on the reference instead' },
    },
    positional: 'chapter',
    stages: true,
    parts: true,
  },
  watch: {
    usage: 'kata watch [NN[.S]] [--poll]',
    summary:
      "rerun a stage's tests every time you save a file in its chapter (default: the current stage)",
    flags: {
      poll: {
        type: 'boolean',
        description: 'poll for changes (WSL on a Windows drive, network mounts)',
      },
    },
    positional: 'chapter',
    stages: true,
  },
  hint: {
    usage: 'kata hint [NN]',
    summary: 'the hint and lesson section for your next failing test',
    flags: {},
    positional: 'chapter',
  },
  stages: {
    usage: 'kata stages [NN...]',
    summary:
      "a chapter's stages (default: every chapter): tests, reference logic lines and minutes each",
    flags: {},
    positional: 'chapters',
  },
  agendas: {
    usage: 'kata agendas [--write]',
    summary:
      "the workshop agendas, timed from the stages' minutes; --write puts them into the instructor guide",
    flags: {
      write: { type: 'boolean', description: 'write them into docs/instructor-guide.md' },
    },
  },
  goto: {
    usage: 'kata goto NN[.S]',
    summary:
      'set where you are in the course: a chapter, or one of its stages (a workshop moves on)',
    flags: {},
    positional: 'chapter',
    required: true,
    stages: true,
  },
  'catch-up': {
    usage: 'kata catch-up NN.S',
    summary:
      "back up your chapter's files, then fill in the reference for every stage before S; your code for S on stays",
    flags: {},
    positional: 'chapter',
    required: true,
    stages: 'required',
  },
  verify: {
    usage: 'kata verify',
    summary: 'run every chapter on your code, one summary table',
    flags: {},
  },
  reset: {
    usage: 'kata reset NN',
    summary: "back up your files of a chapter, then restore the chapter's stubs",
    flags: {},
    positional: 'chapter',
    required: true,
  },
  solution: {
    usage: 'kata solution NN [--yes]',
    summary: 'where the reference is, and a diff of your files against it',
    flags: {
      yes: { type: 'boolean', short: 'y', description: 'reveal without asking' },
    },
    positional: 'chapter',
    required: true,
  },
  room: {
    usage: 'kata room [--port N] [--address A] | room join URL --name NAME | room leave',
    summary:
      "a workshop's live view: open a room and its page (instructor); join it or leave it (learner)",
    flags: {
      port: { type: 'string', description: "the room's port; 7070" },
      address: { type: 'string', description: 'the address the room listens on; 0.0.0.0' },
      name: { type: 'string', description: 'join: the name the instructor sees' },
    },
    positional: 'action',
  },
  run: {
    usage: 'kata run <component> [flags]',
    summary: 'start a finished component on its own (store, apiserver, ...)',
    flags: {},
    positional: 'component',
    required: true,
    passThrough: true,
  },
  bench: {
    usage: 'kata bench [name]',
    summary: 'run one benchmark from harness/bench/, or all of them',
    flags: {},
    positional: 'bench',
    passThrough: true,
  },
  check: {
    usage: 'kata check [NN...] [--only coverage] [--repeat N [--load] [--harness]]',
    summary:
      "the repository's own checks (npm test): types, format, every chapter, the harness; naming chapters checks only those",
    flags: {
      only: { type: 'string', description: 'run one step only: coverage' },
      repeat: {
        type: 'string',
        description: "hunt flakes: run the chapters' tests on solutions/ N times, count failures",
      },
      load: { type: 'boolean', description: 'with --repeat: keep every core busy meanwhile' },
      harness: { type: 'boolean', description: "with --repeat: the harness's tests too (slow)" },
    },
    positional: 'chapters',
  },
  pristine: {
    usage: 'kata pristine [--update]',
    summary: 'compare chapters/ with the recorded stubs; --update records them (npm run pristine)',
    flags: {
      update: { type: 'boolean', description: 'record the working tree as the pristine stubs' },
    },
  },
  up: {
    usage:
      'kata up [--nodes 3] [--use auto|solutions|mine] [--use-<component> ...] [--data-dir DIR] [--fresh] [--etcd-servers URL] [--network auto|loopback|single] [--proxy-mode userspace|iptables] [--insecure] [--kubeadm] [--no-tracing]',
    summary: 'start a cluster of your finished components and the reference ones (npm start)',
    flags: {
      nodes: { type: 'string', description: 'how many nodes (a kubelet and a proxy each); 3' },
      use: {
        type: 'string',
        description: 'auto (yours where its chapter passes), solutions or mine',
      },
      'use-store': { type: 'string', description: 'the same, for the store alone' },
      'use-apiserver': { type: 'string', description: 'the same, for the API server alone' },
      'use-controller-manager': {
        type: 'string',
        description: 'the same, for the controller-manager',
      },
      'use-scheduler': { type: 'string', description: 'the same, for the scheduler alone' },
      'use-dns': { type: 'string', description: 'the same, for the cluster DNS alone' },
      'use-kubelet': { type: 'string', description: 'the same, for the kubelets' },
      'use-proxy': { type: 'string', description: 'the same, for the proxies' },
      'data-dir': dataDirFlag,
      fresh: {
        type: 'boolean',
        description: 'start from an empty store, forgetting the last cluster',
      },
      'etcd-servers': { type: 'string', description: 'run on this etcd instead of the kata store' },
      'store-port': { type: 'string', description: "the store's port; 2379" },
      'store-replicas': {
        type: 'string',
        description: 'members of a replicated store (Raft, chapter 16b); 1',
      },
      'apiserver-port': { type: 'string', description: "the API server's port; 6443" },
      'kubelet-port': {
        type: 'string',
        description: "the kubelets' port on their node IPs; 10250",
      },
      'node-index-base': {
        type: 'string',
        description: 'start the nodes further along the address plan (a second cluster)',
      },
      'service-cluster-ip-range': {
        type: 'string',
        description: 'the ClusterIP range; 127.96.0.0/12 (127.96.0.0/24 on macOS, each aliased)',
      },
      'node-monitor-grace-period': {
        type: 'string',
        description: 'how long a silent node stays Ready; 50s',
      },
      'autoscale-nodes': {
        type: 'string',
        description: 'MIN:MAX machines the cluster autoscaler may add from the kata cloud; 0:2',
      },
      'scale-down-unneeded-time': {
        type: 'string',
        description: 'how long a node stays unneeded before the autoscaler removes it; 10m',
      },
      network: {
        type: 'string',
        description: 'auto, loopback (an IP per node and pod) or single (all on 127.0.0.1); auto',
      },
      'proxy-mode': {
        type: 'string',
        description:
          "userspace (chapter 09, the default) or iptables (chapter 09b: needs root, changes this network namespace's tables)",
      },
      insecure: {
        type: 'boolean',
        description:
          'plain HTTP and everyone allowed, as before chapter 11 (by default: TLS, client certificates, RBAC)',
      },
      kubeadm: {
        type: 'boolean',
        description:
          "the control plane as static pods of node-1's kubelet, mirror pods in kube-system, as kubeadm runs it (chapter 18a)",
      },
      'no-tracing': {
        type: 'boolean',
        description:
          'record no spans (by default each component writes OTLP JSON to <data dir>/traces, for `kata trace`)',
      },
    },
  },
  load: {
    usage: 'kata load <url> [--rps 20] [--for 60s] [--timeout 10s]',
    summary:
      'send steady HTTP load to a URL (a Service, a pod) and print what the client sees: rate, errors, p50 and p99 latency',
    flags: {
      rps: { type: 'string', description: 'requests a second; 20' },
      for: { type: 'string', description: 'how long: 60s, 2m; 60s' },
      timeout: { type: 'string', description: 'how long one request may take; 10s' },
    },
    positional: 'url',
    required: true,
  },
  doctor: {
    usage: 'kata doctor [--fix] [--network auto|loopback|single] [--apiserver-port 6443 ...]',
    summary:
      "is this machine ready? Node.js, npm install, kubectl, loopback addresses, the cluster's ports; each ✗ says what to do",
    flags: {
      fix: {
        type: 'boolean',
        description: 'first add the loopback aliases macOS needs (sudo npx kata doctor --fix)',
      },
      network: {
        type: 'string',
        description: 'the network mode to check, as npm start takes it: auto, loopback or single',
      },
      nodes: { type: 'string', description: 'how many nodes the cluster will have; 3' },
      'node-index-base': {
        type: 'string',
        description: 'where the nodes start in the address plan, as for npm start',
      },
      'store-port': { type: 'string', description: "the store's port to check; 2379" },
      'apiserver-port': { type: 'string', description: "the API server's port to check; 6443" },
      'kubelet-port': { type: 'string', description: "the kubelets' port to check; 10250" },
      'etcd-servers': {
        type: 'string',
        description: 'the cluster runs on this etcd: no store port',
      },
    },
  },
  network: {
    usage: 'kata network setup|teardown [--dry-run] [--nodes 3]',
    summary:
      'macOS: add (setup) or remove (teardown) the loopback aliases the course and a cluster use; run with sudo',
    flags: {
      'dry-run': {
        type: 'boolean',
        description: 'print the ifconfig lines instead of running them',
      },
      nodes: { type: 'string', description: 'how many nodes to make addresses for; 3' },
      'node-index-base': {
        type: 'string',
        description: 'where the nodes start in the address plan, as for npm start',
      },
    },
    positional: 'action',
  },
  components: {
    usage: 'kata components [--data-dir DIR]',
    summary: "the running cluster's processes: state, health, pid, restarts, whose code",
    flags: {
      'data-dir': dataDirFlag,
    },
  },
  kill: {
    usage: 'kata kill <component> [--data-dir DIR]',
    summary: 'kill a component of the running cluster (SIGKILL), for failure drills',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'component',
    required: true,
  },
  restart: {
    usage: 'kata restart <component> [--data-dir DIR]',
    summary: 'stop a component of the running cluster and start it again',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'component',
    required: true,
  },
  drill: {
    usage: 'kata drill list|start NAME|status|verify|hint|reveal|reset [--data-dir DIR]',
    summary:
      'break-fix drills: break the running cluster in one realistic way, then fix it against the clock',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'action',
  },
  logs: {
    usage: 'kata logs POD [-c CONTAINER] [-n NAMESPACE] [-f] [--tail N] [--server URL]',
    summary: "a pod's container log, as kubectl logs prints it, from your cluster",
    flags: {
      container: {
        type: 'string',
        short: 'c',
        description: 'the container (when the pod has several)',
      },
      namespace: namespaceFlag,
      follow: { type: 'boolean', short: 'f', description: 'keep printing as the container writes' },
      tail: { type: 'string', description: 'only the last N lines' },
      server: serverFlag,
    },
    positional: 'pod',
    required: true,
  },
  get: {
    usage: 'kata get TYPE [NAME] [-o wide|yaml|json|name] [-l SELECTOR] [-A] [-n NAMESPACE] [-w]',
    summary: 'list objects of your cluster, as kubectl get prints them',
    flags: {
      output: { type: 'string', short: 'o', description: 'wide, yaml, json or name' },
      selector: { type: 'string', short: 'l', description: 'a label selector: app=hello' },
      'all-namespaces': { type: 'boolean', short: 'A', description: 'every namespace' },
      watch: { type: 'boolean', short: 'w', description: 'then print each change, until Ctrl-C' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  apply: {
    usage: 'kata apply -f FILE|DIR [-n NAMESPACE]',
    summary: 'create or update the objects of a manifest (several documents, or a folder of files)',
    flags: {
      filename: { type: 'string', short: 'f', description: 'a YAML or JSON manifest, or a folder' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
  },
  delete: {
    usage: 'kata delete TYPE NAME | -f FILE [-n NAMESPACE]',
    summary: 'delete objects (their dependents go too, through the garbage collector)',
    flags: {
      filename: { type: 'string', short: 'f', description: 'the objects of a manifest' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
  },
  trace: {
    usage: 'kata trace TYPE/NAME [-n NAMESPACE] [--data-dir DIR]',
    summary:
      'what one write set going through the components, as a waterfall (from the traces `kata up` records)',
    flags: {
      namespace: namespaceFlag,
      'data-dir': dataDirFlag,
    },
    positional: 'object',
    required: true,
  },
  history: {
    usage: 'kata history TYPE/NAME [-n NAMESPACE] [--data-dir DIR]',
    summary: 'every revision of an object the store keeps, who wrote it, and what changed',
    flags: {
      namespace: namespaceFlag,
      'data-dir': dataDirFlag,
    },
    positional: 'object',
    required: true,
  },
  dashboard: {
    usage: 'kata dashboard [--port 7080] [--address 127.0.0.1] [--data-dir DIR]',
    summary:
      "a live page of the running cluster: nodes and their pods, Deployments to Services, events, each object's trace and history",
    flags: {
      port: { type: 'string', description: "the page's port; 7080" },
      address: {
        type: 'string',
        description: 'the address it listens on; 127.0.0.1 (it reads the cluster as its admin)',
      },
      'data-dir': dataDirFlag,
    },
  },
  describe: {
    usage: 'kata describe TYPE NAME [-n NAMESPACE]',
    summary: 'an object in detail, with the events about it',
    flags: {
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  scale: {
    usage: 'kata scale TYPE/NAME --replicas N [-n NAMESPACE]',
    summary: 'set the replicas of a Deployment or ReplicaSet',
    flags: {
      replicas: { type: 'string', description: 'the number of pods wanted' },
      namespace: namespaceFlag,
      server: serverFlag,
    },
    positional: 'object',
    required: true,
  },
  rollout: {
    usage:
      'kata rollout status|history|undo|pause|resume|restart deployment/NAME [-n NAMESPACE] [--to-revision N] [--revision N] [--server URL]',
    summary: "a Deployment's rollout on your cluster, as kubectl rollout does it",
    flags: {
      namespace: namespaceFlag,
      'to-revision': {
        type: 'string',
        description: 'undo: the revision to go back to (default: the previous one)',
      },
      revision: { type: 'string', description: 'history: show the pod template of this revision' },
      server: serverFlag,
    },
    positional: 'rollout',
    required: true,
  },
  exam: {
    usage: 'kata exam start|status|score|end|reset [--data-dir DIR]',
    summary:
      'a timed mock exam on the running cluster: fifteen CKA/CKAD tasks, two hours, scored by checking the cluster',
    flags: {
      'data-dir': dataDirFlag,
    },
    positional: 'action',
  },
  kubeconfig: {
    usage: 'kata kubeconfig [--server URL]',
    summary: 'write .kata/kubeconfig, so kubectl and the components find your API server',
    flags: {
      server: { type: 'string', description: 'the API server (default http://127.0.0.1:6443)' },
    },
  },
  token: {
    usage:
      'kata token create [--kubeconfig FILE] [--ttl 24h] [--description TEXT] | kata token list | kata token delete ID|TOKEN',
    summary:
      'bootstrap tokens, as kubeadm token: create one for joining a node (printed as the kata join command), list them, delete one',
    flags: {
      kubeconfig: {
        type: 'string',
        description: "the admin's kubeconfig (default .kata/kubeconfig)",
      },
      ttl: { type: 'string', description: 'how long the token lives, in hours; 24h' },
      description: { type: 'string', description: 'what the token is for' },
    },
    positional: 'action',
    required: true,
  },
  join: {
    usage:
      'kata join HOST:PORT --token ID.SECRET --discovery-token-ca-cert-hash sha256:HEX --node-name NAME --node-index N [--data-dir DIR] [--kubelet-port 10250] [--use solutions]',
    summary:
      "a new node, as kubeadm join: discovery with the token, its kubelet's certificate by an approved CSR, then its kubelet",
    flags: {
      token: { type: 'string', description: 'the bootstrap token (kata token create)' },
      'discovery-token-ca-cert-hash': { type: 'string', description: "the CA's pin, sha256:<hex>" },
      'node-name': { type: 'string', description: "the new node's name" },
      'node-index': {
        type: 'string',
        description: 'its number (0-255): its node IP and pod range, as kata up numbers nodes',
      },
      'data-dir': {
        type: 'string',
        description: 'where its kubeconfig and pods go (.kata/join-NAME)',
      },
      'kubelet-port': { type: 'string', description: "the kubelet's port on the node IP; 10250" },
      use: { type: 'string', description: 'auto, solutions or mine, for the kubelet' },
    },
    positional: 'url',
    required: true,
  },
  upgrade: {
    usage:
      'kata upgrade <component> --use mine|solutions|auto [--data-dir DIR] | kata upgrade kubelet --node NAME --use ...',
    summary:
      "one control-plane component of a kata up --kubeadm cluster, replaced as kubeadm upgrade does: its static pod manifest rewritten, the kubelet rolls it; or one node's kubelet, restarted with other code (drain the node first)",
    flags: {
      use: { type: 'string', description: 'whose code the component runs from now on' },
      node: { type: 'string', description: 'with kubelet: the node whose kubelet to replace' },
      'data-dir': dataDirFlag,
    },
    positional: 'component',
    required: true,
  },
  help: {
    usage: 'kata help [verb]',
    summary: 'this list, or the details of one verb',
    flags: {},
  },
};

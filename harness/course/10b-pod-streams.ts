// Chapter 10b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter10B: Chapter = {
  id: '10b',
  slug: 'pod-streams',
  title: 'Streams into a pod: exec, attach, cp and port-forward',
  builds:
    "kubectl exec, attach, cp and port-forward end to end: the API server's pods/exec, pods/attach and pods/portforward passing the upgraded connection to the kubelet, and the kubelet's streaming server speaking WebSocket remote command (v5.channel.k8s.io) and SPDY/3.1 port-forward",
  stages: [],
  hints: {},
};

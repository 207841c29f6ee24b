// Chapter 11c's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter11C: Chapter = {
  id: '11c',
  slug: 'webhooks',
  title: 'Beyond the server: admission webhooks and a pod’s own token',
  builds:
    'the ValidatingAdmissionWebhook plugin (rules, namespaceSelector, AdmissionReview v1 over HTTPS, timeoutSeconds, failurePolicy) and the ServiceAccount token, CA and namespace the kubelet puts in every pod, with the API server’s address in its environment',
  stages: [],
  hints: {},
};

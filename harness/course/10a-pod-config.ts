import type { Chapter } from '../course.ts';
export const chapter10A: Chapter = { id: '10a', slug: 'pod-config', title: 'x', builds: 'x', stages: [], hints: {} };

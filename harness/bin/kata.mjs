#!/usr/bin/env node
// The `kata` command. The CLI is written in TypeScript; tsx lets Node run it directly, so there is
// no build step between editing the course and using it.
import { register } from 'tsx/esm/api';

register();
await import('../kata/main.ts');

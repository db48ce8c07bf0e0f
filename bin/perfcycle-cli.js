#!/usr/bin/env node
// The `perfcycle` command. TypeScript sources run through tsx, so no build step stands between a change and the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');

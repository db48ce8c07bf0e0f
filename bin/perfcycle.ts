#!/usr/bin/env node
import { createApp } from '../lib/app.ts';

// The CLI passes cdk.json's context and `-c` overrides through the environment; bundling runs esbuild.
createApp().app.synth();

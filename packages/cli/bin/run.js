#!/usr/bin/env node
import { execute } from '@oclif/core';
import { versionInfo, wantsVersionJson } from '../dist/version.js';

if (wantsVersionJson(process.argv.slice(2))) process.stdout.write(`${JSON.stringify(versionInfo())}\n`);
else await execute({ dir: import.meta.url });

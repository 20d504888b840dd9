#!/usr/bin/env node
// The `gan` command (built to dist/ by `npm ci` through the prepare script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

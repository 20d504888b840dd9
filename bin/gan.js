#!/usr/bin/env node
// The `gan` command; dist/ is built by `npm ci` (the prepare script).
import '../dist/cli/entry.js';

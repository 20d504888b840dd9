// The process one trial trains in (forked by ./fork.ts): it takes the trial from its parent over
// IPC, trains it single-threaded, reports its log lines and its outcome, and exits. SIGTERM stops
// the trial with a checkpoint; a parent that dies (the IPC channel closes) takes the trial with
// it, as if the machine had gone, so no orphan keeps writing into a run another worker resumes.
import * as E from '../engine/index.js';
import type { ChildMessage, ParentMessage } from './fork.js';
import { runTrial } from './trial.js';

const send = (m: ChildMessage) => process.send!(m);

process.on('disconnect', () => process.exit(70));

process.once('message', (m: ParentMessage) => {
  E.setDefaultThreads(1);
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  runTrial(m.sweep, m.trial, m.runs, { device: m.device, signal: stop.signal, log: (message) => send({ kind: 'log', message }) })
    .then((outcome) => send({ kind: 'done', outcome }))
    .catch((e: Error) => send({ kind: 'error', message: e.message }))
    .finally(() => process.disconnect());
});

// Long-running commands (gan worker, gan studio) run until SIGINT or SIGTERM.

/** Resolves with the first SIGINT or SIGTERM the process receives. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve(sig);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

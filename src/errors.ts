// Errors about the user's input (config, files, run directories, checkpoints): the CLI reports
// them as one line and exits with code 2. Anything else is a bug and keeps its stack trace.
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

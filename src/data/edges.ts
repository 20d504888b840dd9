// Edge maps for Pix2Pix edges -> image: dark edges on white, like edges2shoes. The Sobel gradient
// of each image's luma, thinned to one pixel across (a pixel is kept where its magnitude is a
// maximum along the gradient's direction, as in Canny) and thresholded; the map is repeated over
// the image's channels.

/**
 * Gradient magnitude (in [-1, 1] units, 3x3 Sobel) above which a pixel is an edge: a clean step of
 * 0.25 (32 of 255 grey levels) reaches it; shading and JPEG noise stay below.
 */
export const EDGE_THRESHOLD = 1;

/** Neighbour offsets [dy, dx] along the gradient, by its direction quantised to 0, 45, 90, 135 degrees. */
const ALONG = [
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
] as const;

/** Edge maps of n images [n, C, H, W] into out (same shape): -1 on edges, 1 elsewhere. */
export function edgeMaps(images: Float32Array, n: number, [c, h, w]: number[], out: Float32Array): Float32Array {
  const H = h!;
  const W = w!;
  const hw = H * W;
  const luma = new Float32Array(hw);
  const mag = new Float32Array(hw);
  const dir = new Uint8Array(hw);
  const weights = c === 3 ? [0.299, 0.587, 0.114] : [1];
  // Neighbours beyond the border repeat the border pixel.
  const at = (a: Float32Array, y: number, x: number) => a[Math.min(Math.max(y, 0), H - 1) * W + Math.min(Math.max(x, 0), W - 1)]!;
  for (let k = 0; k < n; k++) {
    const base = k * c! * hw;
    luma.fill(0);
    weights.forEach((wt, ch) => {
      for (let i = 0; i < hw; i++) luma[i]! += wt * images[base + ch * hw + i]!;
    });
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = (dy: number, dx: number) => at(luma, y + dy, x + dx);
        const gx = p(-1, 1) + 2 * p(0, 1) + p(1, 1) - p(-1, -1) - 2 * p(0, -1) - p(1, -1);
        const gy = p(1, -1) + 2 * p(1, 0) + p(1, 1) - p(-1, -1) - 2 * p(-1, 0) - p(-1, 1);
        mag[y * W + x] = Math.hypot(gx, gy);
        // The angle modulo 180 degrees, in quarter steps of 45 degrees.
        dir[y * W + x] = Math.round(((Math.atan2(gy, gx) / Math.PI) * 4 + 4) % 4) % 4;
      }
    }
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const m = mag[y * W + x]!;
        const [dy, dx] = ALONG[dir[y * W + x]!]!;
        // Ties (a step between two pixels) keep the pixel after the step: one pixel across.
        const edge = m > EDGE_THRESHOLD && m > at(mag, y + dy, x + dx) && m >= at(mag, y - dy, x - dx);
        for (let ch = 0; ch < c!; ch++) out[base + ch * hw + y * W + x] = edge ? -1 : 1;
      }
    }
  }
  return out;
}

// Drawing the playground's views into canvases: GAN Lab's 2-D views (D's surface as a heat map,
// G's transformed noise grid, real and generated points, gradient arrows) and image grids.
import type { ViewsMsg } from './protocol.js';

/** D says real / generated: GAN Lab's green and purple. */
export const REAL_RGB = [38, 166, 91] as const;
export const FAKE_RGB = [142, 68, 173] as const;

type Plane = NonNullable<ViewsMsg['plane']>;

/** Canvas coordinates of a point of the plane. */
export function toCanvas(p: Plane['extent'], size: number, x: number, y: number): [number, number] {
  const s = size / (p.hi - p.lo);
  return [(x - p.lo) * s, (p.hi - y) * s];
}

/** Plane coordinates of a canvas pixel (for drawing points). */
export function toPlane(p: Plane['extent'], size: number, cx: number, cy: number): [number, number] {
  const s = (p.hi - p.lo) / size;
  return [p.lo + cx * s, p.hi - cy * s];
}

function heatMap(ctx: CanvasRenderingContext2D, v: Plane, size: number): void {
  const side = v.surfaceSide;
  const img = new ImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const p = v.surface[i]!;
    // White where D is unsure (0.5), its colour more saturated the surer it is.
    const sure = Math.min(1, Math.abs(2 * p - 1) * 3);
    const rgb = p >= 0.5 ? REAL_RGB : FAKE_RGB;
    for (let c = 0; c < 3; c++) img.data[4 * i + c] = Math.round(255 * (1 - sure * 0.55) + rgb[c]! * sure * 0.55);
    img.data[4 * i + 3] = 255;
  }
  const tmp = new OffscreenCanvas(side, side);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, size, size);
}

function dots(ctx: CanvasRenderingContext2D, v: Plane, size: number, pts: Float32Array, color: string, r: number): void {
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const [x, y] = toCanvas(v.extent, size, pts[i]!, pts[i + 1]!);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** The 2-D views; `show` picks the layers (GAN Lab's checkboxes). */
export function drawPlane(canvas: HTMLCanvasElement, v: Plane, show: { surface: boolean; grid: boolean; arrows: boolean; real: boolean; fake: boolean }): void {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  if (show.surface) heatMap(ctx, v, size);
  if (show.grid) {
    ctx.strokeStyle = 'rgba(90, 90, 90, 0.45)';
    ctx.lineWidth = 1;
    for (let l = 0; l < 2 * v.lines; l++) {
      ctx.beginPath();
      for (let k = 0; k < v.perLine; k++) {
        const i = 2 * (l * v.perLine + k);
        const [x, y] = toCanvas(v.extent, size, v.grid[i]!, v.grid[i + 1]!);
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
  if (show.real) dots(ctx, v, size, v.real, `rgb(${REAL_RGB.join(',')})`, 2);
  if (show.fake) dots(ctx, v, size, v.samples, `rgb(${FAKE_RGB.join(',')})`, 2);
  if (show.arrows) {
    // The 200 first samples' arrows, the longest a twentieth of the view.
    const n = Math.min(200, v.arrows.length / 2);
    let longest = 1e-12;
    for (let i = 0; i < n; i++) longest = Math.max(longest, Math.hypot(v.arrows[2 * i]!, v.arrows[2 * i + 1]!));
    const scale = (v.extent.hi - v.extent.lo) / 20 / longest;
    ctx.strokeStyle = 'rgba(40, 40, 40, 0.8)';
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const [x0, y0] = toCanvas(v.extent, size, v.samples[2 * i]!, v.samples[2 * i + 1]!);
      const [x1, y1] = toCanvas(v.extent, size, v.samples[2 * i]! + v.arrows[2 * i]! * scale, v.samples[2 * i + 1]! + v.arrows[2 * i + 1]! * scale);
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
    }
    ctx.stroke();
  }
}

/** Points being drawn by the user, before training starts. */
export function drawPoints(canvas: HTMLCanvasElement, extent: Plane['extent'], pts: number[]): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = `rgb(${REAL_RGB.join(',')})`;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const [x, y] = toCanvas(extent, canvas.width, pts[i]!, pts[i + 1]!);
    ctx.fillRect(x - 2, y - 2, 4, 4);
  }
}

/** A grid of images [n, C, H, W] in [-1, 1] (C 1 or 3), `cols` a row, each `scale` pixels per pixel. */
export function drawImages(canvas: HTMLCanvasElement, im: NonNullable<ViewsMsg['images']>, scale = 3): void {
  const [c, h, w] = im.shape as [number, number, number];
  const rows = Math.ceil(im.n / im.cols);
  const pad = 2;
  const img = new ImageData(im.cols * (w + pad), rows * (h + pad));
  img.data.fill(255);
  const plane = h * w;
  for (let k = 0; k < im.n; k++) {
    const ox = (k % im.cols) * (w + pad);
    const oy = Math.floor(k / im.cols) * (h + pad);
    for (let p = 0; p < plane; p++) {
      const o = 4 * ((oy + Math.floor(p / w)) * img.width + ox + (p % w));
      for (let ch = 0; ch < 3; ch++) {
        const v = im.x[k * c * plane + Math.min(ch, c - 1) * plane + p]!;
        img.data[o + ch] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
      }
    }
  }
  canvas.width = img.width * scale;
  canvas.height = img.height * scale;
  const tmp = new OffscreenCanvas(img.width, img.height);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

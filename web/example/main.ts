// The tsgan/web example: the shipped conditional MNIST generator, a label picker and a seed.
// Another exported generator can be shown with ?model=URL.
import { loadGenerator, type Generator } from '../../src/web/index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const canvas = $<HTMLCanvasElement>('samples');
const picker = $<HTMLSelectElement>('label');

async function draw(g: Generator): Promise<void> {
  const n = Math.max(1, Math.min(400, Number($<HTMLInputElement>('count').value) || 1));
  const seed = Number($<HTMLInputElement>('seed').value) || 0;
  const label = picker.value === 'all' ? undefined : Number(picker.value);
  const t0 = performance.now();
  await g.draw(canvas, { n, seed, label, scale: 3, pad: 3 });
  status.textContent = `drew ${n} samples in ${Math.round(performance.now() - t0)} ms`;
  canvas.dataset.drawn = String(Number(canvas.dataset.drawn ?? 0) + 1);
}

async function main(): Promise<void> {
  const url = new URLSearchParams(location.search).get('model') ?? './models/mnist-cgan.onnx';
  const g = await loadGenerator(url);
  const { info } = g;
  const labels = info.labels;
  if (labels) {
    for (let i = 0; i < labels.classes; i++) picker.add(new Option(labels.names?.[i] ?? String(i), String(i)));
  } else picker.parentElement!.hidden = true;
  $('about').textContent = `${info.ganType}, trained ${info.metadata.step ?? '?'} steps; noise of ${info.latent.join('x')}, samples of ${info.output.join('x')}` + (labels ? `, ${labels.classes} labels` : '');
  $<HTMLFormElement>('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    draw(g).catch(fail);
  });
  picker.addEventListener('change', () => draw(g).catch(fail));
  await draw(g);
}

function fail(e: unknown): void {
  status.textContent = `error: ${(e as Error).message}`;
  status.dataset.error = 'true';
}

main().catch(fail);

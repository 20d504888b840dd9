// The sample grids the trainer wrote through training (samples/step-*.png), with a step slider;
// several runs side by side show each one's grid nearest below the chosen step.
import { useState } from 'preact/hooks';
import type { RunSummary } from '../../src/studio/protocol.js';
import { api, samplePath } from './api.js';

export function Samples({ runs }: { runs: RunSummary[] }) {
  const steps = [...new Set(runs.flatMap((r) => r.samples))].sort((a, b) => a - b);
  const [picked, setPicked] = useState<number | undefined>();
  if (steps.length === 0) return <p class="muted">No sample grids yet (the trainer writes one every train.sampleEvery steps and at the end).</p>;
  // Follow the newest grid unless the user moved the slider.
  const at = picked !== undefined && steps.includes(picked) ? steps.indexOf(picked) : steps.length - 1;
  const step = steps[at]!;
  return (
    <div>
      <label class="slider">
        step {step}
        <input type="range" min={0} max={steps.length - 1} value={at} data-testid="sample-slider" onInput={(e) => setPicked(steps[Number((e.target as HTMLInputElement).value)])} />
      </label>
      <div class="samples">
        {runs.map((r) => {
          const own = r.samples.filter((s) => s <= step).at(-1) ?? r.samples[0];
          return own === undefined ? null : (
            <figure key={r.id}>
              <img src={api.file(r.id, samplePath(own))} alt={`samples of ${r.id} at step ${own}`} data-testid="sample-grid" />
              <figcaption>
                {r.id} · step {own}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </div>
  );
}

// Start a run: a preset, or a config (JSON or YAML, which may name a preset and change some keys).
// The server validates it with the project's schema before anything runs and answers with the
// problems, one line each.
import { useState } from 'preact/hooks';
import { api } from './api.js';

export function NewRun({ presets, onStarted }: { presets: string[]; onStarted: (id: string) => void }) {
  const [name, setName] = useState('');
  const [picked, setPreset] = useState('');
  const preset = picked || presets[0] || '';
  const [config, setConfig] = useState('');
  const [steps, setSteps] = useState('');
  const [error, setError] = useState<string>();
  const submit = (e: Event) => {
    e.preventDefault();
    const body = { name, ...(config.trim() ? { config } : { preset }), ...(steps ? { steps: Number(steps) } : {}) };
    api.start(body).then(
      (r) => {
        setError(undefined);
        onStarted(r.id);
      },
      (err: Error) => setError(err.message),
    );
  };
  return (
    <form class="new-run" onSubmit={submit} data-testid="new-run">
      <h3>New run</h3>
      <input placeholder="run name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required />
      <select value={preset} onChange={(e) => setPreset((e.target as HTMLSelectElement).value)} disabled={config.trim() !== ''}>
        {presets.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
      <textarea placeholder={'or a config (YAML/JSON), e.g.\npreset: ring8\ntrain: { sampleEvery: 500 }'} value={config} onInput={(e) => setConfig((e.target as HTMLTextAreaElement).value)} rows={4} />
      <input placeholder="steps (optional)" value={steps} onInput={(e) => setSteps((e.target as HTMLInputElement).value)} />
      <button type="submit">Train</button>
      {error && <pre class="error" data-testid="start-error">{error}</pre>}
    </form>
  );
}

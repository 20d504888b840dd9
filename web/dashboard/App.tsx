// The runs dashboard: the run list on the left; the chosen runs' curves, sample grids, controls,
// eval report and config on the right. The chosen runs are kept in the address (#runs=a,b).
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Charts } from './Charts.js';
import { useMetrics, useRuns } from './live.js';
import { NewRun } from './NewRun.js';
import { RunControls, RunDetails } from './RunInfo.js';
import { RunList } from './RunList.js';
import { Samples } from './Samples.js';

const fromHash = () => {
  const m = /runs=([^&]*)/.exec(location.hash);
  return m?.[1] ? m[1].split(',').map(decodeURIComponent) : [];
};

export function App() {
  const runs = useRuns();
  const [presets, setPresets] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>(fromHash);
  const [log, setLog] = useState(false);
  const [smoothing, setSmoothing] = useState(0.6);
  useEffect(() => void api.runs().then((r) => setPresets(r.presets), () => {}), []);
  useEffect(() => {
    const follow = () => setSelected(fromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    history.replaceState(null, '', selected.length ? `#runs=${selected.map(encodeURIComponent).join(',')}` : location.pathname + location.search);
  }, [selected]);
  // With nothing chosen, show the newest run.
  useEffect(() => {
    if (runs?.length && selected.length === 0) setSelected([[...runs].sort((a, b) => b.updated - a.updated)[0]!.id]);
  }, [runs === undefined]);
  const shown = (runs ?? []).filter((r) => selected.includes(r.id));
  const ids = shown.map((r) => r.id);
  const metrics = useMetrics(ids);
  const primary = shown[0];
  const lastStep = (id: string, listed: number) => Math.max(listed, metrics[id]?.buckets.step.at(-1) ?? 0);

  return (
    <div class="layout">
      <aside>
        <h1>tsgan studio</h1>
        {runs === undefined ? <p class="muted">loading runs...</p> : <RunList runs={runs} selected={selected} onSelect={setSelected} />}
        <NewRun presets={presets} onStarted={(id) => setSelected([id])} />
      </aside>
      <section class="main">
        {shown.length === 0 ? (
          <p class="muted">Choose a run.</p>
        ) : (
          <>
            <header class="run-head">
              {shown.map((r) => (
                <div key={r.id} class="run-title">
                  <h2>{r.id}</h2>
                  <span class={`badge ${r.status}`} data-testid="status">
                    {r.status}
                  </span>
                  <span data-testid="step" data-run={r.id}>
                    step {lastStep(r.id, r.step)} / {r.total}
                  </span>
                  <span class="muted">
                    {r.type} · {r.data}
                  </span>
                </div>
              ))}
              {primary && shown.length === 1 && <RunControls run={primary} />}
            </header>
            <div class="options">
              <label>
                <input type="checkbox" checked={log} onChange={() => setLog(!log)} data-testid="log-scale" /> log scale
              </label>
              <label>
                smoothing {smoothing.toFixed(2)}
                <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onInput={(e) => setSmoothing(Number((e.target as HTMLInputElement).value))} />
              </label>
            </div>
            <Charts ids={ids} metrics={metrics} log={log} smoothing={smoothing} />
            <h3>Samples</h3>
            <Samples runs={shown} />
            {primary && shown.length === 1 && <RunDetails run={primary} />}
          </>
        )}
      </section>
    </div>
  );
}

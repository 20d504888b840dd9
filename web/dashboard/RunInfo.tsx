// One run's controls (stop with a checkpoint, resume), its eval report, resolved config, and what
// its training child printed.
import { useEffect, useState } from 'preact/hooks';
import type { RunDetail, RunSummary } from '../../src/studio/protocol.js';
import { api } from './api.js';

export function RunControls({ run }: { run: RunSummary }) {
  const [error, setError] = useState<string>();
  const [steps, setSteps] = useState('');
  const act = (p: Promise<unknown>) => p.then(() => setError(undefined), (e: Error) => setError(e.message));
  const canResume = run.status !== 'running' && run.status !== 'active' && run.checkpoints.length > 0;
  return (
    <div class="controls">
      {run.status === 'running' && (
        <button data-testid="stop" onClick={() => act(api.stop(run.id))}>
          Stop (with a checkpoint)
        </button>
      )}
      {canResume && (
        <>
          <input class="steps" placeholder={`to step (${run.total})`} value={steps} onInput={(e) => setSteps((e.target as HTMLInputElement).value)} />
          <button data-testid="resume" onClick={() => act(api.resume(run.id, steps ? Number(steps) : undefined))}>
            Resume from step {run.checkpoints.at(-1)}
          </button>
        </>
      )}
      {error && <span class="error">{error}</span>}
    </div>
  );
}

function EvalReport({ report }: { report: unknown }) {
  if (report === undefined) return <p class="muted">No eval report: gan eval --run DIR &gt; DIR/eval.json writes one here.</p>;
  const rows = Object.entries(report as Record<string, unknown>);
  return (
    <table class="eval" data-testid="eval">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{typeof v === 'number' ? Number(v.toPrecision(5)) : typeof v === 'string' ? v : JSON.stringify(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunDetails({ run }: { run: RunSummary }) {
  const [detail, setDetail] = useState<RunDetail>();
  const key = `${run.id}|${run.status}|${run.checkpoints.join(',')}|${run.hasEval}`;
  useEffect(() => {
    let live = true;
    const load = () => api.run(run.id).then((d) => live && setDetail(d), () => {});
    void load();
    const timer = run.status === 'running' ? setInterval(load, 2000) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  if (!detail) return null;
  return (
    <div class="details">
      <section>
        <h3>Eval report</h3>
        <EvalReport report={detail.eval} />
      </section>
      <section>
        <h3>Config</h3>
        <pre data-testid="config">{JSON.stringify(detail.config, null, 2)}</pre>
      </section>
      {detail.log.length > 0 && (
        <section>
          <h3>gan train {detail.exitCode !== undefined ? `(exited ${detail.exitCode ?? 'by signal'})` : ''}</h3>
          <pre class="log">{detail.log.join('\n')}</pre>
        </section>
      )}
    </div>
  );
}

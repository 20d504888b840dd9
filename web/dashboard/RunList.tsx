// The runs of the folder: click one to show it, tick more to compare them.
import type { RunSummary } from '../../src/studio/protocol.js';

interface Props {
  runs: RunSummary[];
  selected: string[];
  onSelect: (ids: string[]) => void;
}

export function RunList({ runs, selected, onSelect }: Props) {
  if (runs.length === 0) return <p class="muted">No runs yet in this folder: start one below, or run gan train --out into it.</p>;
  const toggle = (id: string) => onSelect(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return (
    <ul class="runs" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id} class={selected.includes(r.id) ? 'selected' : ''} data-run={r.id}>
          <input type="checkbox" title="compare" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} />
          <button class="run-name" onClick={() => onSelect([r.id])} title={r.description}>
            <span class={`dot ${r.status}`} title={r.status} />
            {r.id}
          </button>
          <span class="muted small">
            {r.type} · {r.data} · {r.step}/{r.total}
          </span>
        </li>
      ))}
    </ul>
  );
}

// Live data in the page: the run list, and each watched run's metrics in buckets, both kept up to
// date by server-sent events (the server sends only new rows; the page merges neighbouring
// buckets so a run of any length stays at about MAX_BUCKETS points a series).
import { useEffect, useState } from 'preact/hooks';
import { appendBuckets, emptyBuckets, shrinkBuckets, type Buckets } from '../../src/studio/buckets.js';
import type { MetricsMessage, RunSummary } from '../../src/studio/protocol.js';
import { api } from './api.js';

const MAX_BUCKETS = 4000;
const TARGET_BUCKETS = 2000;

export function useRuns(): RunSummary[] | undefined {
  const [runs, setRuns] = useState<RunSummary[]>();
  useEffect(() => {
    const es = api.events();
    es.addEventListener('runs', (e) => setRuns((JSON.parse((e as MessageEvent<string>).data) as { runs: RunSummary[] }).runs));
    return () => es.close();
  }, []);
  return runs;
}

export interface RunMetrics {
  buckets: Buckets;
  rows: number;
  /** Bumped on every update, so views know to redraw. */
  version: number;
}

/** The metrics of each run in `ids`, live. */
export function useMetrics(ids: string[]): Record<string, RunMetrics> {
  const [data, setData] = useState<Record<string, RunMetrics>>({});
  const key = ids.join('\n');
  useEffect(() => {
    const sources = ids.map((id) => {
      const m: RunMetrics = { buckets: emptyBuckets(), rows: 0, version: 0 };
      const es = api.stream(id, 0);
      const publish = () => setData((d) => ({ ...d, [id]: { ...m, version: m.version++ } }));
      es.addEventListener('reset', () => {
        m.buckets = emptyBuckets();
        m.rows = 0;
        publish();
      });
      es.addEventListener('rows', (e) => {
        const msg = JSON.parse((e as MessageEvent<string>).data) as MetricsMessage;
        appendBuckets(m.buckets, msg.buckets);
        if (m.buckets.step.length > MAX_BUCKETS) shrinkBuckets(m.buckets, TARGET_BUCKETS);
        m.rows = msg.rows;
        publish();
      });
      return es;
    });
    setData({});
    return () => sources.forEach((es) => es.close());
  }, [key]);
  return data;
}

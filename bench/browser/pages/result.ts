// How a benchmark page hands its figures to bench/browser/run.ts: window.benchResult, set once.
export interface PageResult {
  ok: boolean;
  error?: string;
  /** Median milliseconds per training step (one D step + one G step). */
  msPerStep?: number;
  timedSteps?: number;
  /** Metrics of the first call (the first step's, or with a loop the last of its steps'), for agreement with Node. */
  first?: Record<string, number>;
  /** Metrics after the last call: finite when training stayed sane. */
  last?: Record<string, number>;
  crossOriginIsolated: boolean;
  threads?: number;
  backend?: string;
}

export function params(): URLSearchParams {
  return new URLSearchParams(location.search);
}

export function report(r: Omit<PageResult, 'crossOriginIsolated'>): void {
  const full: PageResult = { ...r, crossOriginIsolated };
  (window as unknown as { benchResult: PageResult }).benchResult = full;
  document.getElementById('out')!.textContent = JSON.stringify(full, null, 1);
}

export async function guarded(run: () => Promise<Omit<PageResult, 'crossOriginIsolated'>>): Promise<void> {
  try {
    report(await run());
  } catch (e) {
    report({ ok: false, error: String((e as Error)?.stack ?? e) });
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

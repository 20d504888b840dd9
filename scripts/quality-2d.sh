#!/usr/bin/env bash
# Trains a 2-D preset for several seeds and prints gan eval's mode metrics and the wall time of each
# (for a model with rejection sampling also the share of samples kept and G's own samples' metrics).
# usage: scripts/quality-2d.sh PRESET [SEEDS...]   (default seeds 1 2 3 4 5); runs go to runs/quality/
set -euo pipefail
preset=$1; shift
seeds=${*:-1 2 3 4 5}
for s in $seeds; do
  out=runs/quality/$preset-seed$s
  rm -rf "$out"
  start=$(date +%s.%N)
  npx --no-install tsx src/cli/entry.ts train --preset "$preset" --seed "$s" --out "$out" --no-progress 2>/dev/null
  end=$(date +%s.%N)
  # With the model's rejection sampling (if any), then G's own samples (--no-rejection).
  for flag in "" --no-rejection; do
    npx --no-install tsx src/cli/entry.ts eval --run "$out" $flag 2>/dev/null
  done | node -e "
    let t = ''; process.stdin.on('data', (d) => (t += d)).on('end', () => {
      const [m, raw] = t.split(/\n(?=\{)/).map((j) => JSON.parse(j));
      const f = (m) => [m.modes_captured + '/' + m.modes, (100 * m.high_quality_fraction).toFixed(1) + '%', (m.reverse_kl === null ? 'inf' : m.reverse_kl.toFixed(4))];
      const rej = m.rejection_acceptance === undefined ? [] : ['kept ' + (100 * m.rejection_acceptance).toFixed(1) + '%', 'G alone: ' + f(raw).join(' ')];
      console.log(['$preset', $s, ...f(m), ($end - $start).toFixed(0) + 's', ...rej].join(' | '));
    });"
done

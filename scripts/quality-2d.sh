#!/usr/bin/env bash
# Trains a 2-D preset for several seeds and prints gan eval's mode metrics and the wall time of each.
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
  npx --no-install tsx src/cli/entry.ts eval --run "$out" 2>/dev/null | node -e "
    let t = ''; process.stdin.on('data', (d) => (t += d)).on('end', () => {
      const m = JSON.parse(t);
      console.log(['$preset', $s, m.modes_captured + '/' + m.modes, (100 * m.high_quality_fraction).toFixed(1) + '%', (m.reverse_kl === null ? 'inf' : m.reverse_kl.toFixed(4)), ($end - $start).toFixed(0) + 's'].join(' | '));
    });"
done

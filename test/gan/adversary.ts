// A stand-in for the step library's adversary in tests of a GAN type's objectives: its terms are
// 0 (or `term` of D's logit on real samples in D's terms, on fake ones in G's), so a type's loss is
// its other terms alone (or shows how it weighs its adversarial terms); it records what D was shown.
import * as E from '../../src/engine/index.js';
import type { Adversary, Heads, Judge } from '../../src/gan/recipe.js';

export interface ShownToD {
  real?: E.Tensor;
  fake: E.Tensor;
  given: E.Tensor[];
  logit: E.Tensor;
}

export function silentAdversary(ctx: E.StateTrace, term: (logit: E.Tensor) => E.Tensor = () => E.scalar(0)): Adversary & { shown: ShownToD[] } {
  const judge = <H extends Heads>(j: Judge<H>, x: E.Tensor, given: E.Tensor[]): H => {
    const out = typeof j === 'function' ? j(x, ctx, ...given) : j.call(x, ctx);
    return ('logit' in out ? out : { logit: out as E.Tensor }) as H;
  };
  const shown: ShownToD[] = [];
  return {
    ctx,
    shown,
    d(j, real, fake, given = []) {
      const g = Array.isArray(given) ? { real: given, fake: given } : given;
      const [r, f] = [judge(j, real, g.real), judge(j, fake, g.fake)];
      shown.push({ real, fake, given: g.real, logit: r.logit });
      return { loss: term(r.logit), real: r, fake: f };
    },
    g(j, fake, given = []) {
      const f = judge(j, fake, given);
      shown.push({ fake, given, logit: f.logit });
      return { loss: term(f.logit), fake: f };
    },
  };
}

// Reading and writing state while a program is being built.
//
// A training step reads parameters, updates them, and may read them again (k discriminator steps,
// then a generator step through the updated discriminator). A StateTrace gives every read the
// value most recently written in the same program, and at the end lists the final value of every
// state that was written: those become the program's state updates.
import { input, state } from './ops/leaves.js';
import type { Rng } from './random.js';
import type { StateStore } from './program.js';
import { fmtShape, shapeSize, type Shape, type Tensor } from './tensor.js';
import { sameShape } from './shape.js';

export type Initializer = (rng: Rng, shape: Shape) => Float32Array;

const zerosInit: Initializer = (_, shape) => new Float32Array(shapeSize(shape));

export interface DeclaredState {
  name: string;
  shape: Shape;
  init: Initializer;
}

export class StateTrace {
  private leaves = new Map<string, Tensor>();
  private current = new Map<string, Tensor>();
  private written = new Set<string>();
  private decl = new Map<string, DeclaredState>();
  private uniforms = new Map<string, Tensor>();

  /**
   * training: whether layers behave as in training (batch statistics, dropout, power iterations).
   * alias: maps the names that are read to the states actually used (e.g. a parameter to its
   * moving average, for sampling with averaged weights).
   */
  constructor(
    public training = true,
    private readonly alias: (name: string) => string = (n) => n,
  ) {}

  /** The current value of a state; declares it (with its initialiser, zeros by default) on first use. */
  read(requested: string, shape: Shape, init: Initializer = zerosInit): Tensor {
    const name = this.alias(requested);
    const prev = this.decl.get(name);
    if (prev && !sameShape(prev.shape, shape)) {
      throw new Error(`state "${name}" is read as ${fmtShape(shape)} but was declared ${fmtShape(prev.shape)}`);
    }
    if (!prev) this.decl.set(name, { name, shape: [...shape], init });
    const cur = this.current.get(name);
    if (cur) return cur;
    let leaf = this.leaves.get(name);
    if (!leaf) {
      leaf = state(name, shape);
      this.leaves.set(name, leaf);
    }
    return leaf;
  }

  /** Sets the state's value for later reads in this program and for after the run. */
  write(requested: string, value: Tensor): void {
    const name = this.alias(requested);
    const d = this.decl.get(name);
    if (!d) throw new Error(`state "${name}" is written before it is read`);
    if (!sameShape(d.shape, value.shape)) {
      throw new Error(`state "${name}" ${fmtShape(d.shape)} cannot take a value of shape ${fmtShape(value.shape)}`);
    }
    this.current.set(name, value);
    this.written.add(name);
  }

  /** [state leaf, final value] for every written state. */
  updates(): [Tensor, Tensor][] {
    return [...this.written].map((n) => [this.leaves.get(n) ?? state(n, this.decl.get(n)!.shape), this.current.get(n)!]);
  }

  declared(): DeclaredState[] {
    return [...this.decl.values()];
  }

  /**
   * A program input of uniform [0, 1) draws that whoever runs the program must feed (dropout masks):
   * declared here so that the trainer finds it without a naming convention.
   */
  uniformInput(name: string, shape: Shape): Tensor {
    let t = this.uniforms.get(name);
    if (!t) {
      t = input(name, shape);
      this.uniforms.set(name, t);
    }
    if (!sameShape(t.shape, shape)) throw new Error(`uniform input "${name}" is asked for as ${fmtShape(shape)} but was declared ${fmtShape(t.shape)}`);
    return t;
  }

  uniformInputs(): { name: string; shape: Shape }[] {
    return [...this.uniforms].map(([name, t]) => ({ name, shape: t.shape }));
  }
}

/** Gives every declared state the store lacks its initial value, drawn in declaration order from rng. */
export function initState(store: StateStore, declared: readonly DeclaredState[], rng: Rng): void {
  for (const d of declared) {
    if (store.has(d.name)) continue;
    const v = d.init(rng, d.shape);
    if (v.length !== shapeSize(d.shape)) {
      throw new Error(`initializer of "${d.name}" returned ${v.length} values for shape ${fmtShape(d.shape)}`);
    }
    store.set(d.name, v, d.shape);
  }
}

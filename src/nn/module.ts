// Modules own their parameters and are called like functions (PyTorch nn.Module / Keras layers).
// Parameters are engine state tensors named by the module's path ("G.fc1.weight"); their values
// live in a StateStore, initialised from a seeded Rng.
import { fmtShape, Rng, state, type Shape, type StateStore, type Tensor } from '../engine/index.js';

export type Initializer = (rng: Rng, shape: Shape) => Float32Array;

export interface ParamInfo {
  name: string;
  shape: Shape;
  init: Initializer;
  tensor: Tensor;
  /** Trainable parameters get gradients; buffers (running statistics, power-iteration vectors) do not. */
  trainable: boolean;
}

/** What a forward pass needs to know and can report. */
export interface Ctx {
  training: boolean;
  /** Buffer updates produced by the pass (running statistics), to be written back by the program. */
  updates: [Tensor, Tensor][];
}

export const trainCtx = (): Ctx => ({ training: true, updates: [] });
export const evalCtx = (): Ctx => ({ training: false, updates: [] });

export abstract class Module {
  private pathName = '';
  private readonly children: [string, Module][] = [];
  private readonly own = new Map<string, ParamInfo>();
  /** Output shape of the last traced call, for summaries. */
  lastOutShape?: Shape;

  abstract forward(x: Tensor, ctx: Ctx): Tensor;

  /** Calls forward and records the output shape. */
  call(x: Tensor, ctx: Ctx): Tensor {
    const y = this.forward(x, ctx);
    this.lastOutShape = y.shape;
    return y;
  }

  get path(): string {
    return this.pathName;
  }

  /** Names this module (and, recursively, its children). Must happen before the first forward. */
  named(path: string): this {
    if (this.own.size > 0 && path !== this.pathName) {
      throw new Error(`module "${this.pathName}" already created its parameters and cannot be renamed to "${path}"`);
    }
    this.pathName = path;
    for (const [n, c] of this.children) c.named(`${path}.${n}`);
    return this;
  }

  protected add<M extends Module>(name: string, m: M): M {
    this.children.push([name, m]);
    if (this.pathName) m.named(`${this.pathName}.${name}`);
    return m;
  }

  childModules(): readonly [string, Module][] {
    return this.children;
  }

  /** Declares (once) and returns a parameter or buffer of this module. */
  protected param(local: string, shape: Shape, init: Initializer, trainable = true): Tensor {
    const existing = this.own.get(local);
    if (existing) return existing.tensor;
    if (!this.pathName) throw new Error(`${this.constructor.name} must be named (module.named("G")) before it is called`);
    const name = `${this.pathName}.${local}`;
    const info: ParamInfo = { name, shape: [...shape], init, tensor: state(name, shape), trainable };
    this.own.set(local, info);
    return info.tensor;
  }

  /** Every parameter and buffer declared so far by this module and its children, in a fixed order. */
  allParams(): ParamInfo[] {
    return [...this.own.values(), ...this.children.flatMap(([, c]) => c.allParams())];
  }

  parameters(): ParamInfo[] {
    return this.allParams().filter((p) => p.trainable);
  }

  buffers(): ParamInfo[] {
    return this.allParams().filter((p) => !p.trainable);
  }

  paramCount(): number {
    return this.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  }

  describe(): string {
    return this.constructor.name;
  }
}

/** Gives every parameter the store lacks its initial value, drawn in declaration order from rng. */
export function initParams(store: StateStore, params: readonly ParamInfo[], rng: Rng): void {
  for (const p of params) {
    if (store.has(p.name)) continue;
    const v = p.init(rng, p.shape);
    const n = p.shape.reduce((a, b) => a * b, 1);
    if (v.length !== n) throw new Error(`initializer of "${p.name}" returned ${v.length} values for shape ${fmtShape(p.shape)}`);
    store.set(p.name, v, p.shape);
  }
}

/** Modules applied in order. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(layers: Module[]) {
    super();
    this.layers = layers.map((l, i) => this.add(String(i), l));
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return this.layers.reduce((h, l) => l.call(h, ctx), x);
  }
}

/** A module from a plain function of the input (activations, reshapes). */
export class Lambda extends Module {
  constructor(
    private readonly fn: (x: Tensor, ctx: Ctx) => Tensor,
    private readonly label: string,
  ) {
    super();
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return this.fn(x, ctx);
  }
  override describe(): string {
    return this.label;
  }
}

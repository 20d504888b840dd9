// Modules own their parameters and are called like functions (PyTorch nn.Module / Keras layers).
// Parameters are engine state named by the module's path ("G.fc1.weight"); a forward pass reads
// their current values through a StateTrace (Ctx), so the same module can run before and after
// an in-graph optimizer update.
import { StateTrace, type Initializer, type Shape, type Tensor } from '../engine/index.js';

export type { Initializer };
/** The state a forward pass reads and writes, and whether it is a training pass. */
export type Ctx = StateTrace;

export const trainCtx = (): Ctx => new StateTrace(true);
export const evalCtx = (): Ctx => new StateTrace(false);

export interface ParamInfo {
  name: string;
  shape: Shape;
  init: Initializer;
  /** Trainable parameters get gradients; buffers (running statistics, power-iteration vectors) do not. */
  trainable: boolean;
}

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
      throw new Error(`module "${this.pathName}" already declared its parameters and cannot be renamed to "${path}"`);
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

  private info(local: string, shape: Shape, init: Initializer, trainable: boolean): ParamInfo {
    let info = this.own.get(local);
    if (!info) {
      if (!this.pathName) throw new Error(`${this.constructor.name} must be named (module.named("G")) before it is called`);
      info = { name: `${this.pathName}.${local}`, shape: [...shape], init, trainable };
      this.own.set(local, info);
    }
    return info;
  }

  /** The current value of one of this module's parameters (declared on first use). */
  protected param(ctx: Ctx, local: string, shape: Shape, init: Initializer): Tensor {
    const p = this.info(local, shape, init, true);
    return ctx.read(p.name, p.shape, p.init);
  }

  /** The current value of a non-trainable buffer. */
  protected buffer(ctx: Ctx, local: string, shape: Shape, init: Initializer): Tensor {
    const p = this.info(local, shape, init, false);
    return ctx.read(p.name, p.shape, p.init);
  }

  protected writeBuffer(ctx: Ctx, local: string, value: Tensor): void {
    const p = this.own.get(local);
    if (!p || p.trainable) throw new Error(`${this.path}: "${local}" is not a buffer`);
    ctx.write(p.name, value);
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

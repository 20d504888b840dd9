// Modules own their parameters and are called like functions (PyTorch nn.Module / Keras layers).
// A module declares its parameters in its constructor, where their shapes are known, so a model's
// parameters can be listed, counted, loaded and exported without tracing a pass. Parameters are
// engine state named by the module's path ("G.fc1.weight"); a forward pass reads their current
// values through a StateTrace (Ctx), so the same module can run before and after an in-graph
// optimizer update.
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
  /** Parameters and buffers by local name, declared in the constructor (their shapes are known there). */
  private readonly own = new Map<string, Omit<ParamInfo, 'name'>>();
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

  /** Names this module (and, recursively, its children); parameter names follow the path ("G.fc1.weight"). */
  named(path: string): this {
    // A module in two places would take the last name, and its parameters with it.
    if (this.pathName && this.pathName !== path) throw new Error(`module "${this.pathName}" cannot also be named "${path}": a module belongs to one place`);
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

  /** Declares a trainable parameter (in the constructor). */
  protected param(local: string, shape: Shape, init: Initializer): void {
    this.declare(local, shape, init, true);
  }

  /** Declares a non-trainable buffer (running statistics, power-iteration vectors). */
  protected buffer(local: string, shape: Shape, init: Initializer): void {
    this.declare(local, shape, init, false);
  }

  private declare(local: string, shape: Shape, init: Initializer, trainable: boolean): void {
    if (this.own.has(local)) throw new Error(`${this.constructor.name} declares "${local}" twice`);
    this.own.set(local, { shape: [...shape], init, trainable });
  }

  private fullName(local: string): string {
    if (!this.pathName) throw new Error(`${this.constructor.name} must be named (module.named("G")) before it is used`);
    return `${this.pathName}.${local}`;
  }

  /** The current value of one of this module's declared parameters or buffers in a pass. */
  protected read(ctx: Ctx, local: string): Tensor {
    const p = this.own.get(local);
    if (!p) throw new Error(`${this.constructor.name} reads "${local}", which it never declared`);
    return ctx.read(this.fullName(local), p.shape, p.init);
  }

  protected writeBuffer(ctx: Ctx, local: string, value: Tensor): void {
    const p = this.own.get(local);
    if (!p || p.trainable) throw new Error(`${this.path}: "${local}" is not a buffer`);
    ctx.write(this.fullName(local), value);
  }

  /** Every parameter and buffer of this module and its children, in a fixed order (own first, then children in order). */
  allParams(): ParamInfo[] {
    const own = [...this.own].map(([local, p]) => ({ name: this.fullName(local), ...p }));
    return [...own, ...this.children.flatMap(([, c]) => c.allParams())];
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

/** Several named networks under one name ("G" or "D"); whoever holds them calls the parts (PyTorch's ModuleDict). */
export class Networks<K extends string = string> extends Module {
  readonly parts: Record<K, Module>;
  constructor(parts: Record<K, Module>) {
    super();
    this.parts = parts;
    for (const [name, m] of Object.entries<Module>(parts)) this.add(name, m);
  }
  forward(): Tensor {
    throw new Error(`${this.path} holds several networks; call its parts`);
  }
}

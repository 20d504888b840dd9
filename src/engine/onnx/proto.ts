// A minimal protocol-buffers writer for the ONNX messages tsgan emits (onnx.proto, IR version 8).
// Only encoding is needed: models are built here and read by ONNX Runtime.
import type { AttrValue } from '../tensor.js';

/** The ONNX opset the ops' lowering rules are written for (standard domain only); IR version 8 is the one that goes with it. */
export const OPSET = 18;
const IR_VERSION = 8;

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned varint for values up to 2^53; negative int64 values as 10-byte two's complement. */
  varint(v: number): void {
    if (v < 0) {
      let big = BigInt.asUintN(64, BigInt(v));
      while (big >= 0x80n) {
        this.byte(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.byte(Number(big));
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// ONNX TensorProto.DataType values.
export const ONNX_DTYPE = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

// AttributeProto.AttributeType values.
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface TensorData {
  name: string;
  dtype: OnnxDType;
  dims: readonly number[];
  /** Raw little-endian bytes of the values. */
  raw: Uint8Array;
}

export function rawFloat32(values: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

export function rawInt64(values: ArrayLike<number>): Uint8Array {
  const b = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function writeTensor(w: ProtoWriter, t: TensorData): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, t.name);
  w.bytes(9, t.raw);
}

export function writeValueInfo(w: ProtoWriter, name: string, dtype: OnnxDType, dims: readonly (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, ONNX_DTYPE[dtype]);
      tt.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** A NodeProto: inputs and outputs are value names. */
export interface NodeData {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue | GraphAttr>;
}

/** A ValueInfoProto: a graph input or output; a string dimension is symbolic. */
export interface ValueInfoData {
  name: string;
  dtype: OnnxDType;
  shape: readonly (number | string)[];
}

/** A GraphProto: the whole model's graph, or a Loop's body. */
export interface GraphData {
  name: string;
  nodes: NodeData[];
  initializers: TensorData[];
  inputs: ValueInfoData[];
  outputs: ValueInfoData[];
}

/** A graph-valued attribute (Loop's body). */
export type GraphAttr = { graph: GraphData };

/** A ModelProto of one graph, produced by "tsgan", importing OPSET of the standard domain. */
export function writeModel(graph: GraphData, o: { producerVersion?: string; metadata?: Record<string, string> }): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'tsgan');
  if (o.producerVersion !== undefined) w.string(3, o.producerVersion);
  w.message(7, (g) => writeGraph(g, graph));
  w.message(8, (op) => op.string(1, '').int(2, OPSET));
  for (const [k, v] of Object.entries(o.metadata ?? {})) w.message(14, (m) => m.string(1, k).string(2, v));
  return w.finish();
}

function writeGraph(g: ProtoWriter, parts: GraphData): void {
  for (const n of parts.nodes) {
    g.message(1, (nw) => {
      for (const i of n.inputs) nw.string(1, i);
      for (const o of n.outputs) nw.string(2, o);
      nw.string(4, n.opType);
      for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (aw) => writeAttr(aw, k, v));
    });
  }
  g.string(2, parts.name);
  for (const init of parts.initializers) g.message(5, (tw) => writeTensor(tw, init));
  for (const i of parts.inputs) g.message(11, (vw) => writeValueInfo(vw, i.name, i.dtype, i.shape));
  for (const o of parts.outputs) g.message(12, (vw) => writeValueInfo(vw, o.name, o.dtype, o.shape));
}

function writeAttr(w: ProtoWriter, name: string, v: AttrValue | GraphAttr): void {
  w.string(1, name);
  if (typeof v === 'number') {
    w.int(3, v).int(20, ATTR.INT);
  } else if (typeof v === 'string') {
    const dt = ONNX_DTYPE[v as OnnxDType];
    // A dtype name given to the Cast "to" attribute is written as its enum value.
    if (name === 'to' && dt !== undefined) w.int(3, dt).int(20, ATTR.INT);
    else w.string(4, v).int(20, ATTR.STRING);
  } else if ('graph' in v) {
    w.message(6, (gw) => writeGraph(gw, v.graph));
    w.int(20, ATTR.GRAPH);
  } else if ('ints' in v) {
    for (const i of v.ints) w.int(8, i);
    w.int(20, ATTR.INTS);
  } else if ('floats' in v) {
    for (const f of v.floats) w.float(7, f);
    w.int(20, ATTR.FLOATS);
  } else if ('int' in v) {
    w.int(3, v.int).int(20, ATTR.INT);
  } else if ('float' in v) {
    w.float(2, v.float).int(20, ATTR.FLOAT);
  } else {
    const t = v.tensor;
    const raw = t.dtype === 'float32' ? rawFloat32(t.data) : rawInt64(t.data);
    w.message(5, (tw) => writeTensor(tw, { name: '', dtype: t.dtype as OnnxDType, dims: t.shape, raw }));
    w.int(20, ATTR.TENSOR);
  }
}

// A minimal protocol-buffers writer for the ONNX messages tsgan emits (onnx.proto, IR version 8).
// Only encoding is needed: models are built here and read by ONNX Runtime.

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

// Reads the top-level fields of an ONNX ModelProto (onnx.proto): enough to check what tsgan writes
// about a model (producer, metadata) without a protobuf library.

function varint(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let scale = 1;
  for (;;) {
    const byte = b[at++]!;
    v += (byte & 0x7f) * scale;
    if (byte < 0x80) return [v, at];
    scale *= 128;
  }
}

/** Field number -> the values of that field, in order: numbers for varints, bytes for length-delimited fields. */
export function protoFields(b: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const out = new Map<number, (number | Uint8Array)[]>();
  let at = 0;
  while (at < b.length) {
    const [tag, afterTag] = varint(b, at);
    const field = Math.floor(tag / 8);
    let value: number | Uint8Array;
    if (tag % 8 === 0) [value, at] = varint(b, afterTag);
    else if (tag % 8 === 2) {
      const [len, start] = varint(b, afterTag);
      value = b.subarray(start, start + len);
      at = start + len;
    } else throw new Error(`unexpected wire type ${tag % 8} for field ${field}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const text = (v: number | Uint8Array | undefined) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : undefined);

/** producer_name, producer_version and metadata_props of a model. */
export function modelInfo(bytes: Uint8Array): { producerName?: string; producerVersion?: string; metadata: Record<string, string> } {
  const f = protoFields(bytes);
  const metadata: Record<string, string> = {};
  for (const entry of f.get(14) ?? []) {
    const e = protoFields(entry as Uint8Array);
    metadata[text(e.get(1)?.[0])!] = text(e.get(2)?.[0]) ?? '';
  }
  return { producerName: text(f.get(2)?.[0]), producerVersion: text(f.get(3)?.[0]), metadata };
}

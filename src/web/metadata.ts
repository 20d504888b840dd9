// What an exported generator says about itself. `gan export` writes its facts (latent size, output
// shape, labels, translation input) as ONNX metadata_props; onnxruntime-web does not expose those,
// so they are read here straight from the model's protobuf bytes (ModelProto field 14).
import { InputError } from '../errors.js';

/** Reads the top-level fields of an ONNX ModelProto: its metadata_props, and whether it has a graph. */
export function readOnnxMetadata(bytes: Uint8Array, name: string): Record<string, string> {
  const notOnnx = (why: string) => new InputError(`${name}: not an ONNX model (${why}); expected a generator written by \`gan export\``);
  const text = new TextDecoder('utf-8', { fatal: false });
  const meta: Record<string, string> = {};
  let pos = 0;
  const varint = (end: number): number => {
    let v = 0;
    for (let scale = 1; ; scale *= 128) {
      if (pos >= end || scale > 2 ** 49) throw notOnnx(`a malformed field at byte ${pos}`);
      const b = bytes[pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  };
  /** Walks the fields in [pos, end), calling `onBytes` for every length-delimited one. */
  const fields = (end: number, onBytes: (field: number, start: number, stop: number) => void): Set<number> => {
    const seen = new Set<number>();
    while (pos < end) {
      const tag = varint(end);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0) throw notOnnx(`field number 0 at byte ${pos}`);
      seen.add(field);
      if (wire === 0) varint(end);
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = varint(end);
        if (pos + len > end) throw notOnnx(`a field of ${len} bytes runs past the end of the file at byte ${pos}`);
        onBytes(field, pos, pos + len);
        pos += len;
      } else throw notOnnx(`wire type ${wire} at byte ${pos}`);
      if (pos > end) throw notOnnx('the file ends inside a field');
    }
    return seen;
  };
  const seen = fields(bytes.length, (field, start, stop) => {
    if (field !== 14) return;
    // StringStringEntryProto: key = 1, value = 2.
    let key = '';
    let value = '';
    const outer = pos;
    pos = start;
    fields(stop, (f, s, e) => {
      if (f === 1) key = text.decode(bytes.subarray(s, e));
      else if (f === 2) value = text.decode(bytes.subarray(s, e));
    });
    pos = outer;
    meta[key] = value;
  });
  if (bytes.length === 0) throw notOnnx('the file is empty');
  if (!seen.has(1) || !seen.has(7)) throw notOnnx(`it has no ${seen.has(1) ? 'graph' : 'ir_version'}`);
  return meta;
}

export interface LabelInfo {
  /** Labels 0 .. classes-1. */
  classes: number;
  /** 'class': the data's classes (names when the data set has them); 'code': InfoGAN's categorical code. */
  meaning: 'class' | 'code';
  names?: string[];
}

/** The data's scale of vector samples: data = x * std + mean, per column. */
export interface Standardization {
  columns?: string[];
  mean: number[];
  std: number[];
}

/** What a generator takes and gives, from its export metadata. */
export interface GeneratorInfo {
  /** 'sampler': noise (and a label) to samples; 'translator': image to image. */
  kind: 'sampler' | 'translator';
  ganType: string;
  /** Shape of one noise vector (sampler) or one input image [C, H, W] (translator). */
  latent: number[];
  input?: number[];
  /** Shape of one output sample, without the batch. */
  output: number[];
  /** The output is an image [C, H, W] (C = 1 or 3) that can be drawn. */
  image?: { channels: number; height: number; width: number };
  range: string;
  labels?: LabelInfo;
  standardization?: Standardization;
  /** Every metadata entry as written by `gan export`. */
  metadata: Record<string, string>;
}

const dims = (s: string | undefined): number[] => (s ? s.split(',').map(Number) : []);

/** Interprets `gan export`'s metadata; names the missing or malformed entry when it is not one. */
export function generatorInfo(meta: Record<string, string>, name: string): GeneratorInfo {
  const bad = (what: string) => new InputError(`${name}: ${what}; expected a generator written by \`gan export\` (metadata latent_shape, output_shape, value_range)`);
  const output = dims(meta.output_shape);
  if (output.length === 0 || output.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw bad(`metadata output_shape is ${meta.output_shape === undefined ? 'missing' : `"${meta.output_shape}"`}`);
  }
  const translator = meta.input_shape !== undefined;
  const input = dims(meta.input_shape);
  const latent = translator ? input : dims(meta.latent_shape);
  const latentKey = translator ? 'input_shape' : 'latent_shape';
  if (latent.length === 0 || latent.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw bad(`metadata ${latentKey} is ${meta[latentKey] === undefined ? 'missing' : `"${meta[latentKey]}"`}`);
  }
  const isImage = output.length === 3 && (output[0] === 1 || output[0] === 3) && (translator || meta.output_layout === 'NCHW');
  const info: GeneratorInfo = {
    kind: translator ? 'translator' : 'sampler',
    ganType: meta.gan_type ?? 'unknown',
    latent,
    output,
    range: meta.value_range ?? '[-1, 1]',
    metadata: meta,
  };
  if (translator) info.input = input;
  if (isImage) info.image = { channels: output[0]!, height: output[1]!, width: output[2]! };
  const label = meta.label_input?.match(/0\.\.(\d+) \(the (class|categorical code)\)/);
  if (meta.label_input !== undefined && !label) throw bad(`metadata label_input "${meta.label_input}" does not say the labels' range`);
  if (label) {
    info.labels = { classes: Number(label[1]) + 1, meaning: label[2] === 'class' ? 'class' : 'code' };
    if (meta.class_names) info.labels.names = JSON.parse(meta.class_names) as string[];
  }
  if (meta.standardization) {
    const st = JSON.parse(meta.standardization) as { columns?: string[]; mean: number[]; std: number[] };
    info.standardization = { columns: st.columns, mean: st.mean, std: st.std };
  }
  return info;
}

// Builds a config's networks for the shape of its data.
import type { ModelConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { Flatten, Reshape } from '../nn/layers.js';
import { Lambda, Sequential } from '../nn/module.js';
import * as E from '../engine/index.js';
import { dcganDiscriminator28, dcganGenerator28, mlpDiscriminator, mlpGenerator } from './nets.js';
import type { GanNets } from './step.js';

/** PacGAN packing: [N, ...] -> [N / pack, pack * size], so D sees `pack` samples as one input. */
const Pack = (pack: number) =>
  new Lambda((x) => {
    const n = x.shape[0]!;
    if (n % pack !== 0) throw new InputError(`model.pack ${pack} must divide the batch size ${n}`);
    return E.reshape(x, [n / pack, -1]);
  }, `Pack(${pack})`);

export function buildNets(m: ModelConfig, sampleShape: number[]): GanNets {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (m.kind === 'mlp') {
    const common = { init: m.init };
    let G: Sequential = mlpGenerator(m.latent, size, { ...common, hidden: m.gHidden, slope: m.gSlope, linearOut: m.output === 'linear' });
    let D: Sequential = mlpDiscriminator(size * m.pack, { ...common, hidden: m.dHidden, slope: m.dSlope, spectralNorm: m.spectralNorm });
    if (sampleShape.length > 1) G = new Sequential([G, Reshape(...sampleShape)]);
    if (sampleShape.length > 1 || m.pack > 1) D = new Sequential([m.pack > 1 ? Pack(m.pack) : Flatten(), D]);
    return { G: G.named('G'), D: D.named('D'), latentShape: [m.latent], sampleShape };
  }
  const [c, h, w] = sampleShape;
  if (sampleShape.length !== 3 || h !== 28 || w !== 28) {
    throw new InputError(`model "dcgan" generates 28x28 images; the data's samples have shape [${sampleShape.join(', ')}]`);
  }
  const o = { width: m.width, channels: c, init: m.init, spectralNorm: m.spectralNorm };
  return { G: dcganGenerator28(m.latent, o).named('G'), D: dcganDiscriminator28(o).named('D'), latentShape: [m.latent], sampleShape };
}

// A seedable pseudo-random generator (xoshiro128**) whose whole state is four 32-bit words, so a
// checkpoint can save it and a resumed run draws exactly the same numbers.

export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s: Uint32Array;

  constructor(seed: number | RngState = 0) {
    this.s = new Uint32Array(4);
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
      const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
      for (let i = 0; i < 4; i++) this.s[i] = sm();
    } else {
      this.setState(seed);
    }
  }

  /** A new generator whose stream is independent of this one's (for a named purpose). */
  fork(salt: number): Rng {
    const sm = splitmix32((this.s[0]! ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0);
    return new Rng([(sm() ^ this.s[1]!) >>> 0, (sm() ^ this.s[2]!) >>> 0, (sm() ^ this.s[3]!) >>> 0, sm()] as RngState);
  }

  getState(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  setState(st: readonly number[]): void {
    if (st.length !== 4 || st.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new Error(`RNG state must be four unsigned 32-bit integers, got ${JSON.stringify(st)}`);
    }
    if (st.every((v) => v === 0)) throw new Error('RNG state must not be all zeros');
    this.s.set(st);
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draws filling `out` (Box-Muller, two per pair of uniforms). */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    // The xoshiro128** step is written out on local words (the same stream as nextU32): noise for
    // every batch is drawn here, and locals keep V8 from reloading the state array per draw.
    let s0 = this.s[0]! | 0, s1 = this.s[1]! | 0, s2 = this.s[2]! | 0, s3 = this.s[3]! | 0;
    const n = out.length;
    for (let i = 0; i < n; i += 2) {
      let a = Math.imul(rotl32(Math.imul(s1, 5), 7), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl32(s3, 11);
      const b = Math.imul(rotl32(Math.imul(s1, 5), 7), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl32(s3, 11);
      a = (a + 1) / 4294967297; // (0, 1]: log is finite
      const r = Math.sqrt(-2 * Math.log(a));
      const angle = 2 * Math.PI * (b / 4294967296);
      out[i] = mean + std * r * Math.cos(angle);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(angle);
    }
    this.s[0] = s0; this.s[1] = s1; this.s[2] = s2; this.s[3] = s3;
    return out;
  }

  normal(n: number, mean = 0, std = 1): Float32Array {
    return this.fillNormal(new Float32Array(n), mean, std);
  }

  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    let s0 = this.s[0]! | 0, s1 = this.s[1]! | 0, s2 = this.s[2]! | 0, s3 = this.s[3]! | 0; // as in fillNormal
    const n = out.length;
    for (let i = 0; i < n; i++) {
      const x = Math.imul(rotl32(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl32(s3, 11);
      out[i] = lo + (hi - lo) * (x / 4294967296);
    }
    this.s[0] = s0; this.s[1] = s1; this.s[2] = s2; this.s[3] = s3;
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

/** rotl on int32 words (no unsigned conversion), for the local-state loops. */
function rotl32(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

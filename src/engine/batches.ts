// Running a fixed-batch model over any number of samples.

/**
 * Feeds n samples of `per` values each to `run` in batches of `batch` (the last one zero-padded)
 * and gathers the first rows of each result: [n, ...] values, as many per sample as `run` gives.
 */
export async function runInBatches(x: Float32Array, n: number, per: number, batch: number, run: (feed: Float32Array) => Promise<Float32Array>): Promise<Float32Array> {
  const feed = new Float32Array(batch * per);
  let out: Float32Array | undefined;
  let outPer = 0;
  for (let done = 0; done < n; done += batch) {
    const m = Math.min(batch, n - done);
    feed.fill(0);
    feed.set(x.subarray(done * per, (done + m) * per));
    const y = await run(feed);
    outPer ||= y.length / batch;
    out ||= new Float32Array(n * outPer);
    out.set(y.subarray(0, m * outPer), done * outPer);
  }
  return out!;
}

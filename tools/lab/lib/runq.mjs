// Percentiles of the run-queue latency lines runq-sample.mjs printed inside [from, to].
/** { count, p50_ns, p99_ns, mean_ns } over the lines with from < t <= to (log2 buckets: upper bounds). */
export function aggregateRunq(text, from, to) {
  const slots = [];
  let count = 0;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line);
    if (j.error) return { error: j.error };
    if (j.t <= from || j.t > to) continue;
    j.slots.forEach((v, i) => (slots[i] = (slots[i] ?? 0) + v));
    count += j.count;
    sum += j.sum;
  }
  const pct = (p) => {
    if (count === 0) return NaN;
    const want = Math.max(1, Math.ceil(count * p));
    let seen = 0;
    for (let i = 0; i < slots.length; i++) {
      seen += slots[i] ?? 0;
      if (seen >= want) return 2 ** (i + 1);
    }
    return 2 ** slots.length;
  };
  return { count, p50_ns: pct(0.5), p99_ns: pct(0.99), mean_ns: count ? Math.round(sum / count) : NaN };
}

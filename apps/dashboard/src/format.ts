/** Number formatting for values of a series, chosen by its name (ratios, bytes, rates). */
export function formatValue(series: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (/_ratio($|[{)])/.test(series)) return `${(v * 100).toFixed(1)} %`;
  if (/^psi\.|_percent($|[{)])/.test(series)) return `${v.toFixed(1)} %`;
  if (/bytes_per_second/.test(series)) return `${bytes(v)}/s`;
  if (/bytes/.test(series)) return bytes(v);
  const a = Math.abs(v);
  return a >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : a >= 1e4 ? `${(v / 1e3).toFixed(1)} k` : a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** Bytes in binary units. */
export function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${(Math.sign(v) * x).toFixed(x >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

/** `hh:mm:ss` of an epoch-ms time (local time). */
export function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour12: false });
}

/** A duration in words: `42 s`, `7 min`, `3.5 h`, `2 d`. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Create an element with a class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== '') e.className = className;
  if (text !== '') e.textContent = text;
  return e;
}

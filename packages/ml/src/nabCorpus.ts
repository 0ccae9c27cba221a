import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One series of a NAB-layout corpus. */
export interface NabSeries {
  /** Path relative to the data folder, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly name: string;
  /** The category folder, e.g. `realKnownCause`. */
  readonly category: string;
  /** Raw timestamp strings, as written in the file. */
  readonly timestampText: readonly string[];
  /** Timestamps in milliseconds since the epoch (read as UTC). */
  readonly timestamps: Float64Array;
  /** The observed values. */
  readonly values: Float64Array;
  /** Labelled anomaly windows as `[start, end]` epoch milliseconds (inclusive). */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

/** A NAB-layout corpus: every `data/<category>/<file>.csv` plus its windows. */
export interface NabCorpus {
  /** Every series, sorted by category then file name. */
  readonly series: readonly NabSeries[];
  /** Total number of labelled windows. */
  readonly windowCount: number;
}

/** Error raised when a corpus cannot be read; `code` is stable. */
export class NabCorpusError extends Error {
  /** Always `NabCorpusError`. */
  override readonly name = 'NabCorpusError';
  /** Stable error code: `ERR_AINKA_NAB_CORPUS`. */
  readonly code: 'ERR_AINKA_NAB_CORPUS';
  constructor(message: string) {
    super(message);
    this.code = 'ERR_AINKA_NAB_CORPUS';
  }
}

/**
 * Parse a NAB timestamp (`2014-04-10 07:15:00` or `2014-04-10 07:15:00.000000`) as UTC epoch
 * milliseconds. Returns `NaN` when the text is not a timestamp.
 */
export function parseNabTimestamp(text: string): number {
  const s = text.trim();
  const dot = s.indexOf('.');
  const base = dot >= 0 ? s.slice(0, dot) + s.slice(dot, dot + 4) : s;
  return Date.parse(base.replace(' ', 'T') + 'Z');
}

/** The columns of one parsed NAB data file. */
export interface ParsedNabCsv {
  /** Timestamps as written in the file. */
  readonly timestampText: string[];
  /** Timestamps in epoch milliseconds (UTC). */
  readonly timestamps: Float64Array;
  /** The values. */
  readonly values: Float64Array;
}

/** Parse one NAB data file (`timestamp,value` with a header). */
export function parseNabCsv(text: string): ParsedNabCsv {
  const lines = text.split(/\r?\n/);
  const timestampText: string[] = [];
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line.length === 0) continue;
    const comma = line.indexOf(',');
    if (comma < 0) throw new NabCorpusError(`line ${i + 1} has no comma; expected "timestamp,value"`);
    const tsText = line.slice(0, comma);
    timestampText.push(tsText);
    ts.push(parseNabTimestamp(tsText));
    vs.push(Number(line.slice(comma + 1)));
  }
  return { timestampText, timestamps: Float64Array.from(ts), values: Float64Array.from(vs) };
}

/**
 * Read a NAB-layout corpus: `dataDir/<category>/<file>.csv` and a windows JSON file mapping
 * `<category>/<file>.csv` to a list of `[start, end]` timestamp pairs. Files missing from the windows
 * file are read as having no windows. Works for any corpus in that layout, including a user's own metrics.
 */
export function loadNabCorpus(dataDir: string, windowsFile: string): NabCorpus {
  if (!existsSync(dataDir)) throw new NabCorpusError(`data folder ${dataDir} does not exist; pass the folder holding <category>/<file>.csv`);
  if (!existsSync(windowsFile)) throw new NabCorpusError(`windows file ${windowsFile} does not exist; pass NAB's labels/combined_windows.json or your own`);
  const windowsJson = JSON.parse(readFileSync(windowsFile, 'utf8')) as Record<string, Array<[string, string]>>;
  const series: NabSeries[] = [];
  let windowCount = 0;
  for (const category of readdirSync(dataDir).sort()) {
    const catDir = join(dataDir, category);
    if (!statSync(catDir).isDirectory()) continue;
    for (const file of readdirSync(catDir).sort()) {
      if (!file.endsWith('.csv')) continue;
      const name = `${category}/${file}`;
      const parsed = parseNabCsv(readFileSync(join(catDir, file), 'utf8'));
      const windows = (windowsJson[name] ?? []).map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const);
      windowCount += windows.length;
      series.push({ name, category, ...parsed, windows });
    }
  }
  return { series, windowCount };
}

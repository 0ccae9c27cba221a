/** How one numeric or boolean option is checked. */
export type OptionRule = { readonly boolean: true } | { readonly test: (v: number) => boolean; readonly expect: string };

/** Error thrown for a bad detector or predictor option; `code` is stable. */
export class MlOptionError extends RangeError {
  /** Always `MlOptionError`. */
  override readonly name = 'MlOptionError';
  /** Stable error code. */
  readonly code = 'ERR_AINKA_ML_INVALID_OPTION' as const;
}

/**
 * Merge `options` over `defaults`, rejecting unknown names and values outside their rule with an error
 * that names the component, the option, the value and what is expected.
 * @internal
 */
export function validateOptions<T extends object>(
  component: string,
  defaults: Readonly<Required<T>>,
  rules: Record<keyof T, OptionRule>,
  options: T,
): Required<T> {
  for (const [key, value] of Object.entries(options) as Array<[string, unknown]>) {
    if (value === undefined) continue;
    const rule = (rules as Record<string, OptionRule | undefined>)[key];
    if (rule === undefined) {
      throw new MlOptionError(`${component}: unknown option "${key}". Valid options: ${Object.keys(rules).join(', ')}.`);
    }
    if ('boolean' in rule) {
      if (typeof value !== 'boolean') throw new MlOptionError(`${component}: option ${key} must be true or false, got ${String(value)}.`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || !rule.test(value)) {
      throw new MlOptionError(`${component}: option ${key} must be ${rule.expect}, got ${String(value)}.`);
    }
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(options) as Array<[string, unknown]>) if (value !== undefined) merged[key] = value;
  return merged as Required<T>;
}

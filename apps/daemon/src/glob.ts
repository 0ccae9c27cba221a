/** Compile `*`-wildcard patterns (matched against the whole series name) into one test. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const body = patterns.map((p) => p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')).join('|');
  const re = new RegExp(`^(?:${body})$`);
  return (name) => re.test(name);
}

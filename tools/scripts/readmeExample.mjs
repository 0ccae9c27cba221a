// The opening example of a package README: the first ```ts / ```js fenced block (shared by
// check-readmes.mjs, which typechecks them, and packInstall.mjs, which runs them from packed tarballs).
const TS_LANGS = new Set(['ts', 'typescript', 'mts', 'tsx']);
const JS_LANGS = new Set(['js', 'javascript', 'mjs']);

/** The first ts/js fenced block of a markdown text, or undefined. */
export function firstCodeBlock(markdown) {
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const lang = open[3].toLowerCase();
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trim().startsWith(fence); j++) body.push(lines[j]);
    if (TS_LANGS.has(lang) || JS_LANGS.has(lang)) {
      return { lang: TS_LANGS.has(lang) ? 'ts' : 'js', line: i + 2, code: body.join('\n') + '\n' };
    }
    i = j; // skip over other fenced blocks (bash, yaml, …)
  }
  return undefined;
}


import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { table } from '../src/format.js';

/** The terminal column where the second cell of each line starts. */
function secondColumnStarts(text: string): number[] {
  return text.split('\n').map((line) => {
    const m = /^(.*?\S)( {2,})\S/u.exec(line);
    return m === null ? -1 : stringWidth(m[1] as string) + (m[2] as string).length;
  });
}

describe('table', () => {
  it('aligns columns by terminal width: wide CJK characters, emoji and colour codes', () => {
    const text = table(
      [
        ['nginx', 'ok'],
        ['数据库服务', 'ok'],
        ['🔥hot', 'ok'],
        ['\u001b[31mred\u001b[39m', 'ok'],
      ],
      ['UNIT', 'STATE'],
    );
    const starts = secondColumnStarts(text);
    expect(starts.every((s) => s === starts[0] && s > 0), `${JSON.stringify(starts)}\n${text}`).toBe(true);
  });
});

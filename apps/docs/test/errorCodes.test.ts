import { describe, expect, it } from 'vitest';
import { findErrorCodes, renderErrorCodes } from '../src/errorCodes.js';
import { workspaceRoot } from '../src/packages.js';

describe('error codes', () => {
  const codes = findErrorCodes(workspaceRoot);

  it('every ERR_AINKA code in the sources is ERR_AINKA_<AREA>_<WHAT> with a listed area', () => {
    expect(codes.length).toBeGreaterThan(60);
    expect(codes.filter((c) => c.area === undefined).map((c) => `${c.code} (${c.file})`)).toEqual([]);
  });

  it('the docs page lists every code, with its meaning and who raises it', () => {
    const page = renderErrorCodes(workspaceRoot);
    for (const c of codes) expect(page).toContain(`\`${c.code}\``);
    expect(page).toMatch(/\| `ERR_AINKA_DAEMON_PERMISSION_DENIED` \| The caller may not use the API socket[^|]*\| [^\n]*`@ainka\/daemon`/);
    expect(page).toMatch(/\| `ERR_AINKA_KERNEL_TIMEOUT` \| No reply within the request timeout/);
    expect(page).toContain('| `ERR_AINKA_TIMEOUT` | `ERR_AINKA_KERNEL_TIMEOUT` |');
    expect(page).not.toContain('Codes outside the scheme');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultPaths } from '../src/paths.js';

describe('default paths', () => {
  it('honour AINKA_STATE_DIR and AINKA_SOCKET', () => {
    const p = defaultPaths({ AINKA_STATE_DIR: '/srv/ainka', AINKA_SOCKET: '/srv/ainka/s.sock' });
    expect(p.stateDir).toBe('/srv/ainka');
    expect(p.socket).toBe('/srv/ainka/s.sock');
  });

  it('never resolve against the working directory when XDG variables are empty', () => {
    const p = defaultPaths({ XDG_RUNTIME_DIR: '', XDG_STATE_HOME: '' });
    expect(p.socket.startsWith('/')).toBe(true);
    expect(p.stateDir.startsWith('/')).toBe(true);
  });
});

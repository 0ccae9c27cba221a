import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemdWatcher, parseJournalJson, unitNameFromPath } from '../src/index.js';

describe('systemd over D-Bus: the parts that need no systemd', () => {
  it('decodes unit object paths', () => {
    expect(unitNameFromPath('/org/freedesktop/systemd1/unit/ainka_2dleak_2eservice')).toBe('ainka-leak.service');
    expect(unitNameFromPath('/org/freedesktop/systemd1/unit/user_40_2eservice')).toBe('user@.service');
  });

  it('parses journalctl -o json, including binary MESSAGE arrays', () => {
    const text = [
      JSON.stringify({ MESSAGE: 'bad.service: Main process exited, code=exited, status=1/FAILURE', PRIORITY: '4', __REALTIME_TIMESTAMP: '1700000000123456' }),
      JSON.stringify({ MESSAGE: [101, 114, 114], PRIORITY: '3', __REALTIME_TIMESTAMP: '1700000001000000' }),
      '{torn',
    ].join('\n');
    expect(parseJournalJson(text)).toEqual([
      { at: 1700000000123, message: 'bad.service: Main process exited, code=exited, status=1/FAILURE', priority: 4 },
      { at: 1700000001000, message: 'err', priority: 3 },
    ]);
  });

  it('connects to a real bus with the D-Bus client and says clearly when systemd is not on it', async () => {
    if (!existsSync('/usr/bin/dbus-daemon')) {
      console.log('skip: dbus-daemon is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ainka-bus-'));
    const address = `unix:path=${join(dir, 'bus')}`;
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', `--address=${address}`, '--print-address'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((r) => daemon.stdout?.once('data', r));
      const err = await SystemdWatcher.open(() => undefined, address).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err?.code).toBe('ERR_AINKA_HEALING_BUS_UNAVAILABLE');
      expect(err?.message).toMatch(/systemd does not answer on the system bus .*org\.freedesktop\.systemd1/);
    } finally {
      daemon.kill();
    }
  });
});

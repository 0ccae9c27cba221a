import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ChangeManager } from '@ainka/actuators';
import { afterAll, describe, expect, it } from 'vitest';
import { enforceCompliance, runCompliance } from '../src/compliance.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A file tree with the files the checks read (a fake root: the checks are the code under test). */
function tree(files: Record<string, string>, modes: Record<string, number> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'ainka-compliance-'));
  roots.push(root);
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), body);
  }
  for (const [p, m] of Object.entries(modes)) chmodSync(join(root, p), m);
  return root;
}

const hardened: Record<string, string> = {
  'proc/sys/kernel/kptr_restrict': '1\n',
  'proc/sys/kernel/dmesg_restrict': '1\n',
  'proc/sys/kernel/unprivileged_bpf_disabled': '2\n',
  'proc/sys/kernel/yama/ptrace_scope': '1\n',
  'proc/sys/kernel/randomize_va_space': '2\n',
  'proc/sys/kernel/kexec_load_disabled': '1\n',
  'proc/sys/kernel/sysrq': '176\n',
  'proc/sys/fs/protected_hardlinks': '1\n',
  'proc/sys/fs/protected_symlinks': '1\n',
  'proc/sys/fs/suid_dumpable': '0\n',
  'proc/sys/net/core/bpf_jit_harden': '2\n',
  'proc/sys/net/ipv4/tcp_syncookies': '1\n',
  'proc/sys/net/ipv4/conf/all/rp_filter': '1\n',
  'proc/sys/net/ipv4/conf/default/rp_filter': '1\n',
  'proc/sys/net/ipv4/conf/all/accept_redirects': '0\n',
  'proc/sys/net/ipv4/conf/default/accept_redirects': '0\n',
  'proc/sys/net/ipv4/conf/all/send_redirects': '0\n',
  'proc/sys/net/ipv4/conf/all/accept_source_route': '0\n',
  'proc/sys/net/ipv4/conf/all/log_martians': '1\n',
  'proc/sys/net/ipv6/conf/all/accept_redirects': '0\n',
  'etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nMaxAuthTries 3\n',
  'etc/ssh/sshd_config.d/10-local.conf': 'PermitRootLogin no\n',
  'proc/modules': 'ext4 1 0 - Live 0x0\n',
};

describe('compliance checks', () => {
  it('a hardened tree scores 100 with evidence for every item', () => {
    const root = tree(hardened);
    const r = runCompliance({ root });
    const failed = r.items.filter((i) => i.status === 'fail');
    expect(failed.map((i) => i.id)).toEqual([]);
    // file items are unknown in the fake tree except none exist
    expect(r.score).toBe(100);
    expect(r.items.find((i) => i.id === 'sshd.PermitRootLogin')!.evidence).toBe('PermitRootLogin no (/etc/ssh/sshd_config.d/10-local.conf:1)');
    expect(r.items.find((i) => i.id === 'sshd.X11Forwarding')!.evidence).toMatch(/default is no/);
  });

  it('finds weak sysctls, loose permissions, bad sshd settings and denied modules, each with a remediation', () => {
    const root = tree(
      { ...hardened, 'proc/sys/kernel/kptr_restrict': '0\n', 'proc/sys/net/ipv4/conf/all/rp_filter': '0\n', 'etc/shadow': 'x', 'etc/passwd': 'x', 'etc/ssh/sshd_config': 'PermitRootLogin yes\n', 'proc/modules': 'sctp 1 0 - Live 0x0\next4 1 0 - Live 0x0\n' },
      { 'etc/shadow': 0o644, 'etc/passwd': 0o644 },
    );
    const r = runCompliance({ root });
    const byId = new Map(r.items.map((i) => [i.id, i]));
    expect(byId.get('sysctl.kernel.kptr_restrict')).toMatchObject({ status: 'fail', evidence: 'kernel.kptr_restrict = 0', remediation: { knob: 'sysctl:kernel.kptr_restrict', value: '1' } });
    expect(byId.get('sysctl.net.ipv4.conf.all.rp_filter')!.status).toBe('fail');
    const shadow = byId.get('file./etc/shadow')!;
    expect(shadow.status).toBe(process.getuid?.() === 0 ? 'fail' : 'fail');
    expect(shadow.evidence).toMatch(/^mode 0644/);
    expect(shadow.remediation!.command).toBe('chown root /etc/shadow && chmod 640 /etc/shadow');
    expect(byId.get('sshd.PermitRootLogin')).toMatchObject({ status: 'fail', evidence: 'PermitRootLogin yes (/etc/ssh/sshd_config:1)' });
    expect(byId.get('sshd.PasswordAuthentication')).toMatchObject({ status: 'fail', evidence: "PasswordAuthentication not set: sshd's default is yes" });
    expect(byId.get('module.sctp')).toMatchObject({ status: 'fail' });
    expect(r.score).toBeLessThan(90);
    expect(r.score).toBeGreaterThan(40);
  });

  it('enforces the sysctl remediations through the change journal, and rolls them back', async () => {
    const root = tree({ ...hardened, 'proc/sys/kernel/kptr_restrict': '0\n', 'proc/sys/fs/suid_dumpable': '2\n' });
    const report = runCompliance({ root });
    const state = mkdtempSync(join(tmpdir(), 'ainka-compliance-state-'));
    roots.push(state);
    const advise = await ChangeManager.open({ stateDir: state, root, flap: false });
    const proposed = await enforceCompliance(report, advise);
    expect(proposed.outcomes.map((o) => o.status)).toEqual(['proposed', 'proposed']);
    expect(readFileSync(join(root, 'proc/sys/kernel/kptr_restrict'), 'utf8').trim()).toBe('0');
    await advise.close();
    const cm = await ChangeManager.open({ stateDir: state, root, mode: 'enforce', flap: false });
    const applied = await enforceCompliance(report, cm);
    expect(applied.outcomes.map((o) => `${o.knob}:${o.status}`)).toEqual(['sysctl:kernel.kptr_restrict:applied', 'sysctl:fs.suid_dumpable:applied']);
    expect(runCompliance({ root }).items.filter((i) => i.status === 'fail')).toEqual([]);
    await cm.rollbackAll();
    expect(readFileSync(join(root, 'proc/sys/kernel/kptr_restrict'), 'utf8').trim()).toBe('0');
    await cm.close();
  });
});

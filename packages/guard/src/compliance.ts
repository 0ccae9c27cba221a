import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult, ChangeManager } from '@ainka/actuators';

/** Outcome of one compliance check. */
export type ComplianceStatus = 'pass' | 'fail' | 'unknown';

/** How to fix a failed check: through the actuators (a knob and a value), or by hand (a command). */
export interface Remediation {
  /** What to do, in words. */
  readonly text: string;
  /** Knob that `enforceCompliance` sets through the actuators. */
  readonly knob?: string;
  /** Value for the knob. */
  readonly value?: string;
  /** Shell command for fixes the actuators do not cover. */
  readonly command?: string;
}

/** One compliance check and what was found. */
export interface ComplianceItem {
  /** Stable id, e.g. `sysctl.kernel.kptr_restrict`, `file./etc/shadow`, `sshd.PermitRootLogin`, `module.cramfs`. */
  readonly id: string;
  /** Area. */
  readonly category: 'sysctl' | 'file' | 'sshd' | 'module';
  /** What is checked. */
  readonly title: string;
  /** Weight in the score: high 3, medium 2, low 1. */
  readonly severity: 'high' | 'medium' | 'low';
  /** Result. */
  readonly status: ComplianceStatus;
  /** What was read (value, mode and owner, config line, module list entry). */
  readonly evidence: string;
  /** What passes. */
  readonly expected: string;
  /** How to fix it (present when it failed). */
  readonly remediation?: Remediation;
}

/** A compliance report. */
export interface ComplianceReport {
  /** When it was made (ms since the epoch). */
  readonly at: number;
  /** Weighted share of passed checks among those that could be decided, 0 … 100. */
  readonly score: number;
  /** Counts. */
  readonly passed: number;
  /** Checks that failed. */
  readonly failed: number;
  /** Checks that could not be decided (missing file, absent sysctl). */
  readonly unknown: number;
  /** Every check. */
  readonly items: readonly ComplianceItem[];
}

/** Options of {@link runCompliance}. */
export interface ComplianceOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
}

interface SysctlCheck {
  readonly name: string;
  readonly title: string;
  readonly severity: ComplianceItem['severity'];
  /** Passing values. */
  readonly ok: (v: number) => boolean;
  readonly expected: string;
  /** Value written by the remediation (undefined: manual only). */
  readonly fix?: number;
  readonly manual?: string;
}

const SYSCTLS: readonly SysctlCheck[] = [
  { name: 'kernel.kptr_restrict', title: 'kernel pointers hidden', severity: 'medium', ok: (v) => v >= 1, expected: '≥ 1', fix: 1 },
  { name: 'kernel.dmesg_restrict', title: 'kernel log restricted to privileged users', severity: 'low', ok: (v) => v === 1, expected: '1', fix: 1 },
  { name: 'kernel.unprivileged_bpf_disabled', title: 'unprivileged BPF refused', severity: 'high', ok: (v) => v >= 1, expected: '1 or 2', fix: 2 },
  { name: 'kernel.yama.ptrace_scope', title: 'ptrace limited to descendants (Yama)', severity: 'medium', ok: (v) => v >= 1, expected: '≥ 1', fix: 1 },
  { name: 'kernel.randomize_va_space', title: 'full address space layout randomisation', severity: 'high', ok: (v) => v === 2, expected: '2', fix: 2 },
  { name: 'kernel.kexec_load_disabled', title: 'kexec of a new kernel disabled', severity: 'low', ok: (v) => v === 1, expected: '1', manual: 'echo 1 > /proc/sys/kernel/kexec_load_disabled (one-way until reboot; set it in /etc/sysctl.d to persist)' },
  { name: 'kernel.sysrq', title: 'magic SysRq restricted', severity: 'low', ok: (v) => v === 0 || v === 176 || v === 16, expected: '0 (or 16/176: sync, remount, reboot only)', fix: 176 },
  { name: 'fs.protected_hardlinks', title: 'hard links to others\' files refused', severity: 'medium', ok: (v) => v === 1, expected: '1', fix: 1 },
  { name: 'fs.protected_symlinks', title: 'symlink following in sticky directories restricted', severity: 'medium', ok: (v) => v === 1, expected: '1', fix: 1 },
  { name: 'fs.suid_dumpable', title: 'no core dumps of set-uid programs', severity: 'medium', ok: (v) => v === 0, expected: '0', fix: 0 },
  { name: 'net.core.bpf_jit_harden', title: 'BPF JIT hardening', severity: 'low', ok: (v) => v >= 1, expected: '≥ 1', fix: 2 },
  { name: 'net.ipv4.tcp_syncookies', title: 'SYN cookies on', severity: 'medium', ok: (v) => v >= 1, expected: '≥ 1', fix: 1 },
  { name: 'net.ipv4.conf.all.rp_filter', title: 'reverse-path filtering (all)', severity: 'medium', ok: (v) => v === 1 || v === 2, expected: '1 (strict) or 2 (loose)', fix: 1 },
  { name: 'net.ipv4.conf.default.rp_filter', title: 'reverse-path filtering (new interfaces)', severity: 'low', ok: (v) => v === 1 || v === 2, expected: '1 or 2', fix: 1 },
  { name: 'net.ipv4.conf.all.accept_redirects', title: 'ICMP redirects ignored', severity: 'medium', ok: (v) => v === 0, expected: '0', fix: 0 },
  { name: 'net.ipv4.conf.default.accept_redirects', title: 'ICMP redirects ignored (new interfaces)', severity: 'low', ok: (v) => v === 0, expected: '0', fix: 0 },
  { name: 'net.ipv4.conf.all.send_redirects', title: 'ICMP redirects not sent', severity: 'low', ok: (v) => v === 0, expected: '0', fix: 0 },
  { name: 'net.ipv4.conf.all.accept_source_route', title: 'source-routed packets refused', severity: 'medium', ok: (v) => v === 0, expected: '0', fix: 0 },
  { name: 'net.ipv4.conf.all.log_martians', title: 'martian packets logged', severity: 'low', ok: (v) => v === 1, expected: '1', fix: 1 },
  { name: 'net.ipv6.conf.all.accept_redirects', title: 'ICMPv6 redirects ignored', severity: 'low', ok: (v) => v === 0, expected: '0', fix: 0 },
];

interface FileCheck {
  readonly path: string;
  /** Highest mode bits allowed (permissions must be a subset). */
  readonly maxMode: number;
  readonly owner: number;
  readonly severity: ComplianceItem['severity'];
  readonly fixMode: string;
}

const FILES: readonly FileCheck[] = [
  { path: '/etc/shadow', maxMode: 0o640, owner: 0, severity: 'high', fixMode: '640' },
  { path: '/etc/gshadow', maxMode: 0o640, owner: 0, severity: 'high', fixMode: '640' },
  { path: '/etc/passwd', maxMode: 0o644, owner: 0, severity: 'high', fixMode: '644' },
  { path: '/etc/group', maxMode: 0o644, owner: 0, severity: 'medium', fixMode: '644' },
  { path: '/etc/sudoers', maxMode: 0o440, owner: 0, severity: 'high', fixMode: '440' },
  { path: '/etc/ssh/sshd_config', maxMode: 0o644, owner: 0, severity: 'medium', fixMode: '600' },
  { path: '/etc/crontab', maxMode: 0o644, owner: 0, severity: 'medium', fixMode: '600' },
  { path: '/boot/grub/grub.cfg', maxMode: 0o644, owner: 0, severity: 'low', fixMode: '400' },
  { path: '/root', maxMode: 0o750, owner: 0, severity: 'medium', fixMode: '700' },
];

interface SshdCheck {
  readonly key: string;
  readonly title: string;
  readonly severity: ComplianceItem['severity'];
  /** sshd's default when the key is absent. */
  readonly defaultValue: string;
  readonly ok: (v: string) => boolean;
  readonly expected: string;
  readonly fix: string;
}

const SSHD: readonly SshdCheck[] = [
  { key: 'PermitRootLogin', title: 'no root password login over SSH', severity: 'high', defaultValue: 'prohibit-password', ok: (v) => ['no', 'prohibit-password', 'without-password', 'forced-commands-only'].includes(v), expected: 'no or prohibit-password', fix: 'prohibit-password' },
  { key: 'PasswordAuthentication', title: 'SSH password authentication off', severity: 'medium', defaultValue: 'yes', ok: (v) => v === 'no', expected: 'no', fix: 'no' },
  { key: 'PermitEmptyPasswords', title: 'no empty SSH passwords', severity: 'high', defaultValue: 'no', ok: (v) => v === 'no', expected: 'no', fix: 'no' },
  { key: 'X11Forwarding', title: 'SSH X11 forwarding off', severity: 'low', defaultValue: 'no', ok: (v) => v === 'no', expected: 'no', fix: 'no' },
  { key: 'MaxAuthTries', title: 'SSH authentication attempts bounded', severity: 'low', defaultValue: '6', ok: (v) => Number(v) <= 4, expected: '≤ 4', fix: '4' },
  { key: 'PermitUserEnvironment', title: 'SSH user environment files ignored', severity: 'low', defaultValue: 'no', ok: (v) => v === 'no', expected: 'no', fix: 'no' },
  { key: 'HostbasedAuthentication', title: 'SSH host-based authentication off', severity: 'medium', defaultValue: 'no', ok: (v) => v === 'no', expected: 'no', fix: 'no' },
];

/** Modules that CIS-style benchmarks want absent: rare file systems and network protocols with a history of bugs. */
const DENIED_MODULES: readonly string[] = ['cramfs', 'freevxfs', 'jffs2', 'hfs', 'hfsplus', 'udf', 'dccp', 'sctp', 'rds', 'tipc', 'usb_storage', 'firewire_core', 'bluetooth', 'n_hdlc', 'can'];

function read(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Effective sshd settings from sshd_config and its Include'd drop-ins (first value wins, as in sshd). */
export function sshdSettings(root = '/'): { settings: Map<string, { value: string; where: string }>; found: boolean } {
  const settings = new Map<string, { value: string; where: string }>();
  const main = '/etc/ssh/sshd_config';
  const files: string[] = [];
  const text = read(root, main);
  if (text === undefined) return { settings, found: false };
  const visit = (file: string, body: string, depth: number): void => {
    files.push(file);
    body.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const m = /^(\S+)\s+(.*)$/.exec(line);
      if (!m) return;
      const key = m[1]!.toLowerCase();
      if (key === 'match') return; // conditional blocks: only the global part is checked
      if (key === 'include' && depth < 4) {
        for (const pattern of m[2]!.split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
          const dir = abs.slice(0, abs.lastIndexOf('/'));
          const glob = new RegExp(`^${abs.slice(abs.lastIndexOf('/') + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
          let entries: string[] = [];
          try {
            entries = readdirSync(join(root, dir)).filter((f) => glob.test(f)).sort();
          } catch {
            // no drop-in directory
          }
          for (const f of entries) {
            const body2 = read(root, `${dir}/${f}`);
            if (body2 !== undefined) visit(`${dir}/${f}`, body2, depth + 1);
          }
        }
        return;
      }
      if (!settings.has(key)) settings.set(key, { value: m[2]!.trim(), where: `${file}:${i + 1}` });
    });
  };
  visit(main, text, 0);
  return { settings, found: true };
}

/**
 * Runs the compliance checks: kernel hardening sysctls, permissions of sensitive files, sshd
 * settings and loaded kernel modules. Each item has its evidence and, when it fails, a remediation
 * (a knob for the actuators, or a command). The score weighs items by severity.
 */
export function runCompliance(options: ComplianceOptions = {}): ComplianceReport {
  const root = options.root ?? '/';
  const items: ComplianceItem[] = [];

  for (const c of SYSCTLS) {
    const raw = read(root, `proc/sys/${c.name.replace(/\./g, '/')}`);
    const v = raw === undefined ? undefined : Number(raw.trim().split(/\s+/)[0]);
    const status: ComplianceStatus = v === undefined || Number.isNaN(v) ? 'unknown' : c.ok(v) ? 'pass' : 'fail';
    items.push({
      id: `sysctl.${c.name}`,
      category: 'sysctl',
      title: c.title,
      severity: c.severity,
      status,
      evidence: v === undefined ? `/proc/sys/${c.name.replace(/\./g, '/')} is absent on this kernel` : `${c.name} = ${raw!.trim()}`,
      expected: c.expected,
      ...(status === 'fail'
        ? {
            remediation:
              c.fix !== undefined
                ? { text: `set ${c.name} to ${c.fix} (and persist it in /etc/sysctl.d/)`, knob: `sysctl:${c.name}`, value: String(c.fix), command: `sysctl -w ${c.name}=${c.fix}` }
                : { text: c.manual ?? `set ${c.name}`, command: c.manual ?? '' },
          }
        : {}),
    });
  }

  for (const f of FILES) {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(join(root, f.path));
    } catch {
      st = undefined;
    }
    if (!st) {
      items.push({ id: `file.${f.path}`, category: 'file', title: `permissions of ${f.path}`, severity: f.severity, status: 'unknown', evidence: `${f.path} does not exist`, expected: `mode ⊆ ${f.maxMode.toString(8)}, owner root` });
      continue;
    }
    const mode = Number(st.mode) & 0o7777;
    const ok = (mode & ~f.maxMode) === 0 && Number(st.uid) === f.owner;
    items.push({
      id: `file.${f.path}`,
      category: 'file',
      title: `permissions of ${f.path}`,
      severity: f.severity,
      status: ok ? 'pass' : 'fail',
      evidence: `mode ${mode.toString(8).padStart(4, '0')}, uid ${st.uid}, gid ${st.gid}`,
      expected: `mode ⊆ ${f.maxMode.toString(8).padStart(4, '0')}, owner root`,
      ...(ok ? {} : { remediation: { text: `restrict ${f.path} (file modes are outside the actuators' knob table: fix by hand)`, command: `chown root ${f.path} && chmod ${f.fixMode} ${f.path}` } }),
    });
  }

  const sshd = sshdSettings(root);
  for (const c of SSHD) {
    if (!sshd.found) {
      items.push({ id: `sshd.${c.key}`, category: 'sshd', title: c.title, severity: c.severity, status: 'unknown', evidence: 'no /etc/ssh/sshd_config (sshd not installed?)', expected: c.expected });
      continue;
    }
    const s = sshd.settings.get(c.key.toLowerCase());
    const value = s?.value ?? c.defaultValue;
    const ok = c.ok(value.toLowerCase());
    items.push({
      id: `sshd.${c.key}`,
      category: 'sshd',
      title: c.title,
      severity: c.severity,
      status: ok ? 'pass' : 'fail',
      evidence: s ? `${c.key} ${s.value} (${s.where})` : `${c.key} not set: sshd's default is ${c.defaultValue}`,
      expected: c.expected,
      ...(ok ? {} : { remediation: { text: `write '${c.key} ${c.fix}' in /etc/ssh/sshd_config.d/ainka.conf (read first) and reload sshd`, command: `echo '${c.key} ${c.fix}' >> /etc/ssh/sshd_config.d/00-ainka.conf && systemctl reload ssh` } }),
    });
  }

  const modules = read(root, 'proc/modules');
  const loaded = new Set((modules ?? '').split('\n').map((l) => l.split(' ')[0]!).filter(Boolean));
  const modulesAvailable = modules !== undefined || existsSync(join(root, 'proc/modules'));
  for (const m of DENIED_MODULES) {
    const isLoaded = loaded.has(m);
    items.push({
      id: `module.${m}`,
      category: 'module',
      title: `module ${m} not loaded`,
      severity: 'low',
      status: !modulesAvailable ? 'pass' : isLoaded ? 'fail' : 'pass',
      evidence: !modulesAvailable ? 'no /proc/modules: this kernel has no loadable modules' : isLoaded ? `${m} is in /proc/modules` : `${m} is not in /proc/modules (${loaded.size} modules loaded)`,
      expected: 'not loaded',
      ...(isLoaded ? { remediation: { text: `unload ${m} and keep it from loading`, command: `modprobe -r ${m} && echo 'install ${m} /bin/false' > /etc/modprobe.d/ainka-${m}.conf` } } : {}),
    });
  }

  const weight = { high: 3, medium: 2, low: 1 } as const;
  let got = 0;
  let max = 0;
  for (const i of items) {
    if (i.status === 'unknown') continue;
    max += weight[i.severity];
    if (i.status === 'pass') got += weight[i.severity];
  }
  return {
    at: (options.now ?? Date.now)(),
    score: max === 0 ? 100 : Math.round((got / max) * 1000) / 10,
    passed: items.filter((i) => i.status === 'pass').length,
    failed: items.filter((i) => i.status === 'fail').length,
    unknown: items.filter((i) => i.status === 'unknown').length,
    items,
  };
}

/**
 * Applies the remediations that have a knob (the sysctls) through the actuators' change journal
 * (reason `compliance`, reversible with `ainka rollback`). `ids` picks items (default: every failed
 * item with a knob). Advisory unless the change manager enforces.
 */
export function enforceCompliance(report: ComplianceReport, changes: ChangeManager, ids?: readonly string[]): Promise<ApplyResult> {
  const picked = report.items.filter((i) => i.status === 'fail' && i.remediation?.knob && (!ids || ids.includes(i.id)));
  return changes.apply(picked.map((i) => ({ knob: i.remediation!.knob!, value: i.remediation!.value!, reason: 'compliance', because: `${i.title}: ${i.evidence}, expected ${i.expected}` })));
}

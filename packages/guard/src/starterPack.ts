import type { SecurityWatch } from '@ainka/ebpf';

/**
 * The starter rules, as YAML (`kind: DetectionRules`). Extend or silence them from another
 * document loaded after this one: `appendLists` adds to a list, `exceptions` exempts events from a
 * rule by name, neither rewrites a rule.
 */
export const starterRules = `apiVersion: ainka.dev/v1
kind: DetectionRules
name: starter
description: AINKA's starter detection rules.
tags: [starter]
lists:
  shell_binaries: [sh, bash, dash, zsh, ksh, ksh93, mksh, fish, ash, csh, tcsh, busybox]
  network_services: [nginx, apache2, httpd, lighttpd, caddy, haproxy, php-fpm, php-fpm8.2, php-fpm8.3, uwsgi, gunicorn,
    tomcat, java, mysqld, mariadbd, postgres, redis-server, memcached, mongod, named, dnsmasq, vsftpd, proftpd, exim4,
    master, dovecot, smbd, squid, node, python3-http]
  # programs whose job is to start shells for people or jobs
  shell_spawning_services: [sshd, sshd-session, systemd, init, cron, crond, atd, login, su, sudo, tmux, screen,
    agetty, containerd-shim, runc, dockerd, ainkad]
  shadow_files: [/etc/shadow, /etc/gshadow, /etc/shadow-, /etc/gshadow-, /etc/security/opasswd]
  shadow_readers: [passwd, chpasswd, chage, login, su, sudo, sudoedit, sshd, sshd-session, unix_chkpwd, useradd,
    usermod, userdel, groupadd, groupmod, groupdel, gpasswd, vipw, pwck, grpck, newusers, chsh, chfn, cron,
    systemd-logind, polkitd, shadowconfig, pwconv, grpconv, cpgr, cppw, lckpwdf, dpkg, unix_update]
  ssh_key_readers: [sshd, sshd-session, ssh, ssh-add, ssh-agent, ssh-keygen, ssh-keysign, scp, sftp, sftp-server,
    git, rsync]
  system_dirs: [/etc/, /usr/bin/, /usr/sbin/, /bin/, /sbin/, /usr/lib/systemd/, /boot/]
  package_managers: [dpkg, apt, apt-get, aptitude, unattended-upgr, unattended-upgrade, apt-check, rpm, dnf, yum,
    update-alternatives, update-initramfs, dpkg-preconfigure, debconf, pip, pip3, flatpak, snapd]
  system_writers: [ldconfig, ldconfig.real, systemd, systemd-tmpfiles, systemd-resolved, systemd-networkd,
    systemd-timesyncd, systemd-logind, systemd-hostnamed, systemd-sysusers, NetworkManager, dhclient, dhcpcd,
    resolvconf, chronyd, ntpd, update-ca-certificates, passwd, chpasswd, useradd, usermod, userdel, groupadd,
    vipw, chsh, chfn, sshd, ssh-keygen, locale-gen, localedef, depmod, mkinitramfs, update-grub, grub-mkconfig,
    cupsd, logrotate, run-parts, mandb, fc-cache, cron]
  mining_pool_ports: [3333, 3334, 3335, 3336, 3357, 4444, 4456, 5555, 5556, 5588, 6666, 7777, 8008, 9000, 9999,
    10128, 12222, 13333, 14433, 14444, 15555, 17777, 18081, 19999, 20580, 45560, 45700]
macros:
  spawned_shell: event.type == exec and proc.name in shell_binaries
  network_service_parent: proc.pname in network_services or proc.parent_listening
  stdio_on_network: proc.stdin_net or proc.stdout_net or proc.parent_stdio_net
  installing_packages: proc.name in package_managers or proc.anames in package_managers
rules:
  - name: shell-spawned-by-network-service
    description: A network-facing service started a shell (web shell, command injection, exploited service).
    when: spawned_shell and network_service_parent and not proc.pname in shell_spawning_services
    output: shell {proc.exe} ({proc.cmdline}) spawned by network service {proc.pname} ({proc.ppid}, {proc.pexe}) as uid {proc.uid}
    severity: critical
    priority: 90
    tags: [execution, T1059, T1190]
  - name: reverse-shell
    description: A shell whose stdin/stdout (or its parent's) is a network socket - the classic reverse or bind shell.
    when: spawned_shell and stdio_on_network
    output: reverse shell {proc.exe} ({proc.cmdline}) with stdio on a network socket, parent {proc.pname} ({proc.pcmdline})
    severity: critical
    priority: 95
    tags: [execution, command-and-control, T1059]
    response: {action: kill}
  - name: read-shadow-file
    description: A program that has no business with password hashes opened one of the shadow files.
    when: event.type == open and file.path in shadow_files and not proc.name in shadow_readers and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} as uid {proc.uid}'
    severity: critical
    priority: 80
    tags: [credential-access, T1003.008]
  - name: read-ssh-private-key
    description: An unexpected program opened an SSH private key (user or host key).
    when: >-
      event.type == open and not file.path endswith .pub
      and (file.path glob (/home/*/.ssh/id_*, /root/.ssh/id_*, /etc/ssh/ssh_host_*_key))
      and not proc.name in ssh_key_readers
    output: '{proc.exe} ({proc.cmdline}) opened the SSH private key {file.path} as uid {proc.uid}'
    severity: critical
    priority: 80
    tags: [credential-access, T1552.004]
  - name: write-below-system-dir
    description: A file below /etc, /usr/bin, /usr/sbin, /bin, /sbin or /boot was opened for writing outside a package install.
    when: >-
      event.type == open and file.write and file.path startswith system_dirs
      and not installing_packages and not proc.name in system_writers
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} for writing as uid {proc.uid}'
    severity: warning
    priority: 60
    tags: [persistence, defense-evasion, T1543, T1546]
  - name: ptrace-other-user
    description: A process attached with ptrace to a process of another user (credential theft, injection).
    when: event.type == ptrace and target.other_user
    output: '{proc.exe} (uid {proc.uid}) attached to {target.name} ({target.pid}, uid {target.uid}) with ptrace'
    severity: critical
    priority: 85
    tags: [privilege-escalation, defense-evasion, T1055.008]
  - name: kernel-module-load
    description: A kernel module was loaded or a load was attempted (rootkits load modules).
    when: event.type == module
    output: 'kernel module {module.name} ({module.how}) by {proc.exe} ({proc.cmdline}) as uid {proc.uid}'
    severity: warning
    priority: 70
    tags: [persistence, T1547.006]
    cooldown: 0
  - name: new-listening-port
    description: A process started listening on a non-loopback port that had no listener before.
    when: event.type == listen and not net.port_known and not net.loopback
    output: '{proc.exe} ({proc.cmdline}) listens on new port {net.lport} ({net.laddr})'
    severity: warning
    priority: 50
    tags: [persistence, command-and-control, T1571]
    cooldown: 0
  - name: crypto-miner
    description: Sustained CPU by a process that connected to a mining-pool port or speaks stratum.
    when: >-
      event.type == cpu and proc.cpu >= 0.8 and proc.cpu_seconds >= 10
      and (proc.remote_ports in mining_pool_ports or proc.cmdline contains stratum)
    output: '{proc.exe} ({proc.cmdline}) used {proc.cpu} cores for {proc.cpu_seconds}s after connecting to ports {proc.remote_ports}'
    severity: critical
    priority: 75
    tags: [impact, T1496]
    cooldown: 10m
    response: {action: kill}
  - name: setuid-root-by-unprivileged
    description: A non-root process asked to become root outside the usual set-uid helpers.
    when: event.type == setuid and proc.uid != 0 and call.ids in (0) and not proc.name in (sudo, su, passwd, newgrp, pkexec, mount, umount, fusermount, fusermount3, chsh, chfn, gpasswd, unix_chkpwd, ping, crontab, at, ssh-keysign, dbus-daemon-launch-helper, polkit-agent-helper-1, Xorg)
    output: '{proc.exe} ({proc.cmdline}) uid {proc.uid} euid {proc.euid} called setuid to 0'
    severity: warning
    priority: 65
    tags: [privilege-escalation, T1548.001]
  - name: rare-behaviour
    description: A program did something its baseline never saw, after enough history.
    when: baseline.new and baseline.days >= 1 and baseline.total >= 50 and baseline.feature in (child, peer, port)
    output: '{proc.exe} ({proc.cmdline}): new {baseline.feature}'
    severity: info
    priority: 10
    tags: [baseline]
    cooldown: 1h
`;

/** The opens the starter rules need reported by the kernel (reads of secrets, writes below system directories). */
export function starterWatches(homes: readonly string[] = []): SecurityWatch[] {
  const w: SecurityWatch[] = [
    { path: '/etc/shadow' },
    { path: '/etc/gshadow' },
    { path: '/etc/shadow-' },
    { path: '/etc/gshadow-' },
    { path: '/etc/security/opasswd' },
    { path: '/root/.ssh/' },
    { path: '/etc/ssh/', writesOnly: false },
    { path: '/etc/', writesOnly: true },
    { path: '/usr/bin/', writesOnly: true },
    { path: '/usr/sbin/', writesOnly: true },
    { path: '/bin/', writesOnly: true },
    { path: '/sbin/', writesOnly: true },
    { path: '/usr/lib/systemd/', writesOnly: true },
    { path: '/boot/', writesOnly: true },
  ];
  for (const h of homes) w.push({ path: `${h.replace(/\/$/, '')}/.ssh/` });
  return w.slice(0, 256);
}

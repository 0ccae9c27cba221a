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
    tomcat, mysqld, mariadbd, postgres, redis-server, memcached, mongod, named, dnsmasq, vsftpd, proftpd, exim4,
    master, dovecot, smbd, squid]
  # generic runtimes (node, java, python3, php …) count as services only while they hold a listening socket
  network_relays: [socat, nc, ncat, netcat, nc.traditional, nc.openbsd, telnet, busybox-nc]
  # programs whose job is to start shells for people or jobs
  # services that give a remote login its own connection as stdio (socket-activated sshd -i, inetd-style daemons)
  remote_login_services: [sshd, sshd-session, dropbear, in.telnetd, telnetd, in.rlogind, in.rshd, inetd, xinetd]
  shell_spawning_services: [sshd, sshd-session, systemd, init, cron, crond, atd, login, su, sudo, tmux, screen,
    agetty, containerd-shim, runc, dockerd, ainkad]
  shadow_files: [/etc/shadow, /etc/gshadow, /etc/shadow-, /etc/gshadow-, /etc/security/opasswd]
  shadow_readers: [passwd, chpasswd, chage, login, su, sudo, sudoedit, sshd, sshd-session, unix_chkpwd, useradd,
    usermod, userdel, groupadd, groupmod, groupdel, gpasswd, vipw, pwck, grpck, newusers, chsh, chfn, cron,
    systemd-logind, polkitd, shadowconfig, pwconv, grpconv, cpgr, cppw, lckpwdf, dpkg, unix_update]
  sensitive_files: [/etc/sudoers, /root/.bash_history, /root/.zsh_history, /root/.mysql_history, /root/.psql_history,
    /root/.aws/credentials, /root/.docker/config.json, /root/.kube/config, /root/.git-credentials, /root/.netrc,
    /root/.pgpass]
  sensitive_home_files: [/home/*/.bash_history, /home/*/.zsh_history, /home/*/.aws/credentials, /home/*/.docker/config.json,
    /home/*/.kube/config, /home/*/.git-credentials, /home/*/.netrc, /home/*/.pgpass]
  sensitive_readers: [sudo, sudoedit, visudo, cvtsudoers, su, git, git-credential-store, git-remote-https, aws, docker,
    dockerd, containerd, kubectl, helm, curl, wget, psql, mysql, ftp, lftp]
  ssh_key_readers: [sshd, sshd-session, ssh, ssh-add, ssh-agent, ssh-keygen, ssh-keysign, scp, sftp, sftp-server,
    git, rsync]
  # files of a .ssh directory that hold no secret
  ssh_public_files: [authorized_keys, authorized_keys2, known_hosts, known_hosts.old, config, environment, rc]
  ssh_key_writers: [sshd, sshd-session, ssh, ssh-keygen, ssh-copy-id, ssh-import-id, cloud-init, google_guest_agent,
    waagent, ec2-instance-connect]
  system_dirs: [/etc/, /usr/bin/, /usr/sbin/, /bin/, /sbin/, /usr/lib/systemd/, /lib/systemd/, /boot/, /lib/modules/,
    /usr/lib/modules/]
  cron_paths: [/etc/crontab, /etc/cron.d/, /etc/cron.hourly/, /etc/cron.daily/, /etc/cron.weekly/, /etc/cron.monthly/,
    /etc/anacrontab, /var/spool/cron/]
  systemd_unit_dirs: [/etc/systemd/system/, /etc/systemd/user/, /usr/lib/systemd/system/, /usr/lib/systemd/user/,
    /lib/systemd/system/, /lib/systemd/user/, /run/systemd/system/, /etc/init.d/, /etc/rc.local]
  account_files: [/etc/passwd, /etc/group, /etc/shadow, /etc/gshadow, /etc/sudoers, /etc/sudoers.d/]
  account_writers: [passwd, chpasswd, chage, useradd, usermod, userdel, groupadd, groupmod, groupdel, gpasswd, vipw,
    vigr, visudo, chsh, chfn, newusers, pwconv, grpconv, pwunconv, grpunconv, systemd-sysusers, adduser, deluser]
  # programs installed set-uid root by Debian and the usual distributions: running one as a user is normal
  setuid_programs: [sudo, sudoedit, su, passwd, chsh, chfn, gpasswd, newgrp, expiry, chage, mount, umount, pkexec,
    ssh-keysign, dbus-daemon-launch-helper, fusermount, fusermount3, Xorg.wrap, Xorg, polkit-agent-helper-1, ping,
    ping6, traceroute6.iputils, at, crontab, unix_chkpwd, ntfs-3g, exim4, procmail, sendmail, mount.nfs, mount.cifs,
    snap-confine, chrome-sandbox, bwrap, newuidmap, newgidmap, pppd, doas, staprun, lppasswd, vmware-user-suid-wrapper]
  miner_programs: [xmrig, xmrig-notls, xmr-stak, xmr-stak-rx, minerd, cpuminer, cpuminer-multi, cpuminer-opt, ccminer,
    ethminer, t-rex, nbminer, lolminer, phoenixminer, nanominer, gminer, srbminer, srbminer-multi, teamredminer,
    bfgminer, cgminer, kawpowminer, xmrig-cuda]
  miner_args: [stratum+tcp://, stratum+ssl://, stratum+tls://, stratum2+tcp://, stratum1+tcp://, --donate-level,
    --randomx, cryptonight, --coin=monero, mining.subscribe, nicehash.com, minexmr, supportxmr, moneroocean, nanopool.org,
    2miners.com, f2pool, hashvault.pro]
  package_managers: [dpkg, apt, apt-get, aptitude, unattended-upgr, unattended-upgrade, apt-check, rpm, dnf, yum,
    update-alternatives, update-initramfs, dpkg-preconfigure, debconf, pip, pip3, flatpak, snapd]
  system_writers: [ldconfig, ldconfig.real, systemd, systemd-tmpfiles, systemd-resolved, systemd-networkd,
    systemd-timesyncd, systemd-logind, systemd-hostnamed, systemd-sysusers, NetworkManager, dhclient, dhcpcd,
    resolvconf, chronyd, ntpd, update-ca-certificates, passwd, chpasswd, useradd, usermod, userdel, groupadd,
    vipw, chsh, chfn, sshd, ssh-keygen, locale-gen, localedef, depmod, mkinitramfs, update-grub, grub-mkconfig,
    cupsd, logrotate, run-parts, mandb, fc-cache, cron]
  # where a program runs without a file on disk: a memfd executed through its descriptor (fexecve and
  # execveat(AT_EMPTY_PATH) name it /dev/fd/N; /proc/self/fd/N by path) or a RAM-only directory
  fileless_exec_paths: [/dev/fd/, /proc/self/fd/, /proc/thread-self/fd/, /dev/shm/, /run/shm/, '/memfd:']
  # container runtimes re-execute themselves from a sealed memfd (runc's cloned binary)
  container_runtimes: [runc, crun, youki, containerd-shim, containerd-shim-runc-v2, conmon, dockerd, containerd]
  # programs whose output, piped into a shell, is code nobody reviewed: downloaders, decoders, relays
  payload_feeders: [curl, wget, base64, base32, basenc, xxd, openssl, gpg, nc, ncat, netcat, nc.openbsd,
    nc.traditional, socat, telnet]
  # the logs an intruder empties to cover tracks (files, or directories ending in /)
  system_logs: [/var/log/auth.log, /var/log/syslog, /var/log/messages, /var/log/secure, /var/log/kern.log,
    /var/log/wtmp, /var/log/btmp, /var/log/lastlog, /var/log/faillog, /var/log/audit/, /var/log/journal/]
  log_writers: [rsyslogd, syslog-ng, systemd-journald, journalctl, logrotate, auditd, systemd-tmpfiles, savelog]
  log_wipers: [shred, truncate, wipe, srm]
  # scanners, crackers, tunnels and post-exploitation kits: an operator may run some of them on purpose
  offensive_tools: [nmap, masscan, zmap, hydra, medusa, ncrack, john, hashcat, sqlmap, nikto, gobuster, dirb, ffuf,
    wfuzz, enum4linux, pspy, pspy32, pspy64, chisel, ligolo, ligolo-ng, mimipenguin, msfconsole, msfvenom,
    crackmapexec, nxc, pwncat, pwncat-cs, sliver-client, sliver-server]
  offensive_scripts: [linpeas, LinEnum, linux-exploit-suggester, les.sh, lse.sh, linuxprivchecker, unix-privesc-check,
    mimipenguin, traitor]
  # audit, logging, firewall and security agents (systemd unit names, with or without .service)
  security_units: [auditd*, apparmor*, ufw*, firewalld*, nftables*, netfilter-persistent*, fail2ban*, falco*, ainkad*,
    rsyslog*, syslog-ng*, systemd-journald*, osqueryd*, wazuh-agent*, falcon-sensor*, clamav-daemon*, aide*, ossec*]
  # programs that rewrite firewall rules as their job (their children too: netfilter-persistent's plugins)
  firewall_managers: [dockerd, containerd, kube-proxy, kubelet, k3s, firewalld, ufw, netfilter-persistent, netfilter-persi,
    iptables-restore, ip6tables-restor, libvirtd, podman, lxd, incus, calico-node, cilium-agent, flanneld, fail2ban-server]
  # shell history files (erasing them hides what was typed)
  history_files: [.bash_history, .zsh_history, .sh_history, .ash_history, .history, .python_history, .mysql_history,
    .psql_history, .lesshst, .viminfo]
  mining_pool_ports: [3333, 3334, 3335, 3336, 3357, 4444, 4456, 5555, 5556, 5588, 6666, 7777, 8008, 9000, 9999,
    10128, 12222, 13333, 14433, 14444, 15555, 17777, 18081, 19999, 20580, 45560, 45700]
macros:
  spawned_shell: event.type == exec and proc.name in shell_binaries
  network_service_parent: proc.pname in network_services or proc.parent_listening
  stdio_on_network: proc.stdin_net or proc.stdout_net or proc.parent_stdio_net
  # an operator's login whose connection is the session's stdio: inbound (accepted), rooted in a login service
  remote_login_session: proc.net_session_inbound and (proc.net_session_name in remote_login_services
    or proc.net_session_pname in remote_login_services)
  # relays that hand a socket to a program (socat exec:…, ncat -e / --sh-exec, a pty behind them)
  spawned_by_relay: proc.pname in network_relays
  installing_packages: proc.name in package_managers or proc.anames in package_managers
  # modprobe started by the kernel itself (request_module), not by a user
  kernel_autoload: proc.name in (modprobe, kmod) and proc.kernel_spawned
  # a child PID 1 forked and that has not exec'd yet: systemd itself runs a unit's PAM stack there (PAMName=,
  # user@.service at a login: pam_unix reads /etc/shadow). The tree keeps the parent of the fork, so an orphan
  # adopted by PID 1 does not match; the exe is unreadable when ainkad lacks CAP_SYS_PTRACE (its unit), hence ''
  systemd_unit_setup: proc.ppid == 1 and proc.name == systemd
    and (proc.exe == '' or proc.exe in (/lib/systemd/systemd, /usr/lib/systemd/systemd))
  persistence_path: file.path startswith cron_paths or file.path startswith systemd_unit_dirs
    or file.path glob (/root/.config/systemd/**, /home/*/.config/systemd/**)
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
    when: spawned_shell and ((stdio_on_network and not remote_login_session) or spawned_by_relay)
    output: reverse shell {proc.exe} ({proc.cmdline}) with stdio on a network socket, parent {proc.pname} ({proc.pcmdline})
    severity: critical
    priority: 95
    tags: [execution, command-and-control, T1059]
    # one alert per session: the shells an attacker starts inside the same socket session are one incident
    cooldown: 1h
    cooldownBy: [proc.net_session]
    response: {action: kill}
  - name: reverse-shell-pipe
    description: >-
      A shell reading commands from a pipe or FIFO and writing its output into a process that holds a network
      socket - a reverse shell built from a pipeline (mkfifo + nc, telnet, openssl s_client) instead of a socket.
    when: >-
      (spawned_shell and proc.stdin_pipe and proc.stdout_to_net)
      or (event.type == connect and proc.stdin_writers in shell_binaries)
    output: 'reverse shell through a pipeline: {proc.exe} ({proc.cmdline}), parent {proc.pname} ({proc.pcmdline})'
    severity: critical
    priority: 95
    tags: [execution, command-and-control, T1059]
    # the shell's exec and the relay's connect are one incident: they share the pipeline's parent
    cooldown: 1h
    cooldownBy: [proc.ppid]
    response: {action: kill}
  - name: read-shadow-file
    description: A program that has no business with password hashes opened one of the shadow files.
    when: >-
      event.type == open and file.path in shadow_files and not proc.name in shadow_readers and not installing_packages
      and not systemd_unit_setup
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} as uid {proc.uid}'
    severity: critical
    priority: 80
    tags: [credential-access, T1003.008]
  - name: read-ssh-private-key
    description: An unexpected program opened an SSH private key (user or host key).
    when: >-
      event.type == open and not file.path endswith .pub and not file.write
      and ((file.path glob (/home/*/.ssh/*, /root/.ssh/*) and not file.name in ssh_public_files)
           or file.path glob (/etc/ssh/ssh_host_*_key))
      and not proc.name in ssh_key_readers
    output: '{proc.exe} ({proc.cmdline}) opened the SSH private key {file.path} as uid {proc.uid}'
    severity: critical
    priority: 80
    tags: [credential-access, T1552.004]
  - name: read-sensitive-file
    description: A program with no business there read sudoers, shell history or stored cloud and registry credentials.
    when: >-
      event.type == open and not file.write
      and (file.path in sensitive_files or file.path startswith /etc/sudoers.d/ or file.path glob sensitive_home_files)
      and not proc.name in sensitive_readers and not installing_packages
      and not (proc.name in shell_binaries and file.name endswith _history)
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} as uid {proc.uid}'
    severity: warning
    priority: 75
    tags: [credential-access, discovery, T1552.001]
  - name: write-below-system-dir
    description: A file below /etc, /usr/bin, /usr/sbin, /bin, /sbin, /boot or /lib/modules was opened for writing outside a package install.
    when: >-
      event.type == open and file.write and file.path startswith system_dirs
      and not installing_packages and not proc.name in system_writers
      and not persistence_path and not file.path in account_files and not file.path startswith /etc/sudoers.d/
      and not file.path == /etc/ld.so.preload
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} for writing as uid {proc.uid}'
    severity: warning
    priority: 60
    tags: [persistence, defense-evasion, T1543, T1546]
  - name: persistence-cron-job
    description: A cron table or cron script was written outside a package install (scheduled-task persistence).
    when: event.type == open and file.write and file.path startswith cron_paths and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) wrote the cron file {file.path} as uid {proc.uid}'
    severity: warning
    priority: 70
    tags: [persistence, T1053.003]
  - name: crontab-replaced
    description: A user's crontab was installed, edited or removed with the crontab command (it writes the spool with relative paths).
    when: event.type == exec and proc.exe_name == crontab and not proc.argv in (-l, -V) and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) changes the crontab of uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: warning
    priority: 70
    tags: [persistence, T1053.003]
  - name: persistence-systemd-unit
    description: A systemd unit (system or user) or an init script was written outside a package install (service persistence).
    when: >-
      event.type == open and file.write and not installing_packages and not proc.name == systemd
      and (file.path startswith systemd_unit_dirs or file.path glob (/root/.config/systemd/**, /home/*/.config/systemd/**))
    output: '{proc.exe} ({proc.cmdline}) wrote the unit file {file.path} as uid {proc.uid}'
    severity: warning
    priority: 70
    tags: [persistence, T1543.002]
  - name: ssh-authorized-keys-modified
    description: An authorized_keys file was written by a program other than the SSH tools (SSH backdoor).
    when: >-
      event.type == open and file.write and file.name in (authorized_keys, authorized_keys2)
      and not proc.name in ssh_key_writers and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) wrote {file.path} as uid {proc.uid}'
    severity: warning
    priority: 70
    tags: [persistence, T1098.004]
  - name: account-or-sudoers-modified
    description: The password, group or sudoers files were opened for writing by a program other than the account tools.
    when: >-
      event.type == open and file.write and (file.path in account_files or file.path startswith /etc/sudoers.d/)
      and not proc.name in account_writers and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} for writing as uid {proc.uid}'
    severity: critical
    priority: 85
    tags: [privilege-escalation, persistence, T1548.003, T1136.001]
  - name: unexpected-setuid-root-exec
    description: A non-root user ran a program as root through a set-uid bit it should not have (planted set-uid shell, exploited binary).
    when: event.type == exec and proc.uid > 0 and proc.euid == 0 and not proc.exe_name in setuid_programs
    output: '{proc.exe} ({proc.cmdline}) runs with euid 0 for uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: critical
    priority: 90
    tags: [privilege-escalation, T1548.001]
  - name: setuid-bit-set
    description: A set-uid or set-gid bit was set on a file outside a package install (a set-uid backdoor, or a step of a privilege escalation).
    when: event.type == chmod and (file.setuid or (file.setgid and not file.is_dir)) and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) set mode {file.mode_octal} on {file.path} as uid {proc.uid}'
    severity: critical
    priority: 85
    tags: [privilege-escalation, persistence, T1548.001]
  - name: exec-without-argv
    description: A program was executed with an empty argv, the trigger of argv[0]-confusion exploits of set-uid programs (pkexec, CVE-2021-4034).
    when: event.type == exec and proc.cmdline == ''
    output: '{proc.exe} executed with an empty argv by {proc.pname} ({proc.pcmdline}) as uid {proc.uid} euid {proc.euid}'
    severity: critical
    priority: 90
    tags: [privilege-escalation, T1068]
  - name: ptrace-other-user
    description: A process attached with ptrace to a process of another user (credential theft, injection).
    when: event.type == ptrace and target.other_user
    output: '{proc.exe} (uid {proc.uid}) attached to {target.name} ({target.pid}, uid {target.uid}) with ptrace'
    severity: critical
    priority: 85
    tags: [privilege-escalation, defense-evasion, T1055.008]
  - name: kernel-module-load
    description: >-
      A process loaded a kernel module or attempted a load (rootkits load modules). Loads the kernel asks for
      itself are left out: request_module() runs modprobe as a usermode helper when a socket family, a file
      system or a device needs a module (ss autoloads inet_diag), and that modprobe loads only modules installed
      below /lib/modules, whose writes write-below-system-dir reports.
    when: event.type == module and not kernel_autoload
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
      event.type == cpu and proc.cpu >= 0.5 and proc.cpu_seconds >= 10
      and (proc.remote_ports in mining_pool_ports or proc.cmdline contains stratum)
    output: '{proc.exe} ({proc.cmdline}) used {proc.cpu} cores for {proc.cpu_seconds}s after connecting to ports {proc.remote_ports}'
    severity: critical
    priority: 75
    tags: [impact, T1496]
    cooldown: 10m
    response: {action: kill}
  - name: crypto-miner-command
    description: A known miner program, or a command line naming a mining pool or the stratum protocol.
    when: event.type == exec and (proc.exe_name in miner_programs or proc.name in miner_programs or proc.cmdline contains miner_args)
    output: 'miner {proc.exe} ({proc.cmdline}) started by {proc.pname} ({proc.ppid}) as uid {proc.uid}'
    severity: critical
    priority: 80
    tags: [impact, T1496]
  - name: setuid-root-by-unprivileged
    description: A non-root process asked to become root outside the usual set-uid helpers.
    when: event.type == setuid and proc.uid != 0 and call.ids in (0) and not proc.name in (sudo, su, passwd, newgrp, pkexec, mount, umount, fusermount, fusermount3, chsh, chfn, gpasswd, unix_chkpwd, ping, crontab, at, ssh-keysign, dbus-daemon-launch-helper, polkit-agent-helper-1, Xorg)
    output: '{proc.exe} ({proc.cmdline}) uid {proc.uid} euid {proc.euid} called setuid to 0'
    severity: warning
    priority: 65
    tags: [privilege-escalation, T1548.001]
  - name: ld-preload-hijack
    description: >-
      /etc/ld.so.preload was written outside a package install: every dynamically linked program started after it
      loads the libraries it lists (userland rootkits, credential hooks).
    when: event.type == open and file.write and file.path == /etc/ld.so.preload and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) opened {file.path} for writing as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: critical
    priority: 90
    tags: [persistence, privilege-escalation, defense-evasion, T1574.006]
  - name: fileless-exec
    description: >-
      A program was executed from memory - a memfd through its file descriptor, or a file in a RAM-only directory
      like /dev/shm - the way loaders run a payload without leaving a binary on disk.
    when: >-
      event.type == exec and (proc.exe startswith fileless_exec_paths or proc.exe glob (/proc/*/fd/*))
      and not proc.pname in container_runtimes and not (proc.ppid == 1 and proc.pname == systemd)
    output: '{proc.exe} ({proc.cmdline}) executed from memory by {proc.pname} ({proc.pcmdline}) as uid {proc.uid}'
    severity: critical
    priority: 85
    tags: [defense-evasion, execution, T1620, T1027]
  - name: download-piped-to-shell
    description: >-
      A shell reads its commands from a pipe fed by a downloader, a decoder or a network relay (curl … | sh,
      base64 -d | bash): code that runs without ever being written to disk for review. Seen from whichever of the
      two starts last (the shell's feeders, or the feeder's readers), so the order of the pipeline's execs does not
      matter; a download that is over before either is looked at is still seen when the pipeline was one command
      line (sh -c 'curl … | sh'), from the parent's command line. (A shell whose output goes back to the network is
      reverse-shell-pipe instead.)
    when: >-
      ((spawned_shell and proc.stdin_feeders in payload_feeders and not proc.stdout_to_net)
       or (event.type == exec and proc.name in payload_feeders and proc.stdout_readers in shell_binaries
           and not proc.stdin_writers in shell_binaries)
       or (spawned_shell and proc.pcmdline contains (curl, wget)
           and proc.pcmdline contains ('| sh', '|sh', '| bash', '|bash', '| /bin/sh', '| /bin/bash', '| dash', '| zsh')))
      and not installing_packages
    output: 'pipeline into a shell: {proc.exe} ({proc.cmdline}) reads from {proc.stdin_feeders}, writes to {proc.stdout_readers}; parent {proc.pname} ({proc.pcmdline}) as uid {proc.uid}'
    severity: warning
    priority: 70
    tags: [execution, command-and-control, T1059.004, T1105]
    # the shell's exec and the feeder's are one incident: they share the pipeline's parent
    cooldown: 1m
    cooldownBy: [proc.ppid]
  - name: system-log-cleared
    description: A system or audit log was emptied (opened with O_TRUNC, as a shell redirection does) outside log rotation and package installs - covering tracks.
    when: >-
      event.type == open and file.truncate and file.path startswith system_logs
      and not proc.name in log_writers and not proc.anames in log_writers and not installing_packages
    output: '{proc.exe} ({proc.cmdline}) emptied {file.path} as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: warning
    priority: 70
    tags: [defense-evasion, T1070.002]
  - name: system-log-wiped
    description: A wiping command (shred, truncate, wipe) was run on a file below /var/log, or rm on a system or audit log - covering tracks.
    when: >-
      event.type == exec and ((proc.exe_name in log_wipers and proc.cmdline contains /var/log/)
      or (proc.exe_name in (rm, unlink) and proc.cmdline contains system_logs))
    output: '{proc.exe} ({proc.cmdline}) wipes a log as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: warning
    priority: 70
    tags: [defense-evasion, T1070.002]
  - name: offensive-tool
    description: A scanner, password cracker, tunnel or privilege-escalation script known from intrusions was run.
    when: >-
      event.type == exec and (proc.exe_name in offensive_tools or proc.name in offensive_tools
      or proc.cmdline contains offensive_scripts)
    output: '{proc.exe} ({proc.cmdline}) run by {proc.pname} ({proc.pcmdline}) as uid {proc.uid}'
    severity: warning
    priority: 55
    tags: [discovery, credential-access, T1046, T1110, T1068]
  - name: security-control-disabled
    description: >-
      A firewall was flushed or switched off, SELinux set permissive, auditing emptied or stopped, or an audit,
      logging or security service (ainkad included) stopped, disabled or masked - outside package installs and the
      programs that manage firewall rules as their job: the step before an intruder acts unseen.
    when: >-
      event.type == exec and not installing_packages and not proc.anames in firewall_managers
      and not proc.anames in (logrotate, needrestart, unattended-upgr) and (
        (proc.exe_name in (systemctl, service) and proc.argv in (stop, disable, mask) and proc.argv glob security_units)
        or (proc.exe_name glob (iptables*, ip6tables*) and proc.argv in (-F, --flush))
        or (proc.exe_name == nft and proc.cmdline contains 'flush ruleset')
        or (proc.exe_name == ufw and proc.argv in (disable))
        or (proc.exe_name == setenforce and proc.argv in (0, permissive, Permissive))
        or (proc.exe_name == auditctl and (proc.argv in (-D) or proc.cmdline contains '-e 0'))
        or proc.exe_name == aa-teardown)
    output: '{proc.exe} ({proc.cmdline}) as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: warning
    priority: 70
    tags: [defense-evasion, T1562.001, T1562.004]
  - name: shell-history-erased
    description: A shell history file was deleted, shredded, emptied with truncate or linked to /dev/null - erasing what was typed.
    when: >-
      event.type == exec and proc.exe_name in (rm, unlink, shred, truncate, wipe, srm, ln)
      and proc.argv endswith history_files
    output: '{proc.exe} ({proc.cmdline}) as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: warning
    priority: 65
    tags: [defense-evasion, T1070.003]
  - name: backdoor-account
    description: >-
      An account was created or changed with uid 0 (a second root, useradd -o -u 0) or put in an administrators'
      group (sudo, wheel, admin, root) - a way back in with full rights.
    when: >-
      event.type == exec and proc.exe_name in (useradd, adduser, usermod, gpasswd, groupmems, addgroup)
      and not installing_packages and not proc.anames in (cloud-init, google_guest_ag, waagent)
      and (proc.argv in (-o, --non-unique)
           or proc.cmdline contains ('-u 0 ', '--uid 0 ', '-u0 ')
           or proc.argv glob (sudo, wheel, admin, root, 'sudo,*', 'wheel,*', 'admin,*', '*,sudo', '*,wheel', '*,admin',
             '*,sudo,*', '*,wheel,*', '*,admin,*'))
    output: '{proc.exe} ({proc.cmdline}) as uid {proc.uid}, parent {proc.pname} ({proc.pcmdline})'
    severity: critical
    priority: 85
    tags: [persistence, privilege-escalation, T1136.001, T1098]
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
    { path: '/etc/sudoers' },
    { path: '/etc/sudoers.d/' },
    { path: '/var/spool/cron/', writesOnly: true },
    { path: '/lib/systemd/', writesOnly: true },
    { path: '/run/systemd/system/', writesOnly: true },
    { path: '/root/.config/systemd/', writesOnly: true },
    { path: '/root/.bash_history' },
    { path: '/root/.zsh_history' },
    { path: '/root/.aws/' },
    { path: '/root/.docker/config.json' },
    { path: '/root/.kube/config' },
    { path: '/root/.git-credentials' },
    { path: '/root/.netrc' },
    { path: '/usr/bin/', writesOnly: true },
    { path: '/usr/sbin/', writesOnly: true },
    { path: '/bin/', writesOnly: true },
    { path: '/sbin/', writesOnly: true },
    { path: '/usr/lib/systemd/', writesOnly: true },
    { path: '/boot/', writesOnly: true },
    { path: '/lib/modules/', writesOnly: true },
    { path: '/var/log/', writesOnly: true },
    { path: '/usr/lib/modules/', writesOnly: true },
  ];
  for (const home of homes) {
    const h = home.replace(/\/$/, '');
    w.push({ path: `${h}/.ssh/` }, { path: `${h}/.config/systemd/`, writesOnly: true }, { path: `${h}/.bash_history` }, { path: `${h}/.aws/` });
  }
  return w.slice(0, 256);
}

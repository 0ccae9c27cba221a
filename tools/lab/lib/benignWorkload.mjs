// The benign workload of tools/lab/benign.mjs: what a small server does on an ordinary day, run for real
// in the systemd guest. Nothing in it is an attack, so every guard alert and every healing finding it
// raises is a false alarm.
//
// `prepare()` is the administrator's earlier work (done before ainkad starts, as on a machine where the
// monitor is installed after the services): a C project, an app server behind nginx, a cron job, a
// systemd timer, an SSH key for root. `start()` then runs the day's activity as transient units, each a
// bash loop until the deadline: compile jobs, web load, package-manager activity, SSH logins. cron and
// the timer fire on their own. `counts()` says how much of each happened.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, shq } from './proc.mjs';

export const WORK_DIR = '/var/tmp/ainka-benign';
const UNIT_PREFIX = 'ainka-benign-';
const CRON_FILE = '/etc/cron.d/ainka-benign';
const NGINX_SITE = '/etc/nginx/conf.d/ainka-benign.conf';
const APP_PORT = 8080;
const PROXY_PORT = 8081;

/** The transient units the workload runs as (loops, the app server, the timer). */
export const JOBS = ['compile', 'web', 'packages', 'ssh'];

/** A small C project: `n` translation units and a Makefile with a library and a program. */
function writeCProject(dir, n = 10) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  const objs = [];
  for (let i = 0; i < n; i++) {
    const body = [
      '#include <stdio.h>',
      '#include <stdlib.h>',
      '#include <string.h>',
      `struct item${i} { int key; double weight; char name[32]; };`,
      `static int cmp${i}(const void *a, const void *b) { const struct item${i} *x = a, *y = b; return (x->key > y->key) - (x->key < y->key); }`,
      `double unit${i}(int n) {`,
      `  struct item${i} *v = calloc(n, sizeof(*v)); double s = 0;`,
      '  if (!v) return 0;',
      `  for (int k = 0; k < n; k++) { v[k].key = (k * ${i + 7}) % 97; v[k].weight = k * 0.5; snprintf(v[k].name, sizeof(v[k].name), "i%d", k); }`,
      `  qsort(v, n, sizeof(*v), cmp${i});`,
      '  for (int k = 0; k < n; k++) s += v[k].weight * (double)strlen(v[k].name);',
      '  free(v); return s;',
      '}',
    ].join('\n');
    writeFileSync(join(dir, 'src', `unit${i}.c`), `${body}\n`);
    objs.push(`src/unit${i}.o`);
  }
  const decls = Array.from({ length: n }, (_, i) => `double unit${i}(int n);`).join('\n');
  const calls = Array.from({ length: n }, (_, i) => `s += unit${i}(200);`).join(' ');
  writeFileSync(join(dir, 'src', 'main.c'), `#include <stdio.h>\n${decls}\nint main(void) { double s = 0; ${calls} printf("%.1f\\n", s); return 0; }\n`);
  writeFileSync(
    join(dir, 'Makefile'),
    [
      'CFLAGS ?= -O2 -Wall',
      `OBJS = ${objs.join(' ')}`,
      'all: app',
      'libunits.a: $(OBJS)',
      '\tar rcs $@ $^',
      'app: src/main.o libunits.a',
      '\t$(CC) -o $@ src/main.o -L. -lunits',
      'clean:',
      '\trm -f app libunits.a src/*.o',
      '.PHONY: all clean',
      '',
    ].join('\n'),
  );
}

/** A tiny Debian package (a script below /usr/bin) for the package-manager job to install and remove. */
function writeDebSource(dir) {
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  mkdirSync(join(dir, 'usr', 'bin'), { recursive: true });
  mkdirSync(join(dir, 'usr', 'share', 'doc', 'ainka-benign-hello'), { recursive: true });
  writeFileSync(join(dir, 'DEBIAN', 'control'), 'Package: ainka-benign-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: AINKA lab <lab@ainka.invalid>\nDescription: benign workload package\n the lab installs and removes it\n');
  writeFileSync(join(dir, 'usr', 'bin', 'ainka-benign-hello'), '#!/bin/sh\necho hello from a package\n', { mode: 0o755 });
  writeFileSync(join(dir, 'usr', 'share', 'doc', 'ainka-benign-hello', 'README'), 'A package the benign workload installs.\n');
}

/**
 * The administrator's earlier work, before the monitor starts: files, the app server, nginx's proxy
 * site, the cron job, the systemd timer, root's SSH key. Returns what it set up.
 */
export function prepare() {
  stop();
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(join(WORK_DIR, 'counts'), { recursive: true });
  writeCProject(join(WORK_DIR, 'proj'));
  writeDebSource(join(WORK_DIR, 'deb'));
  const www = join(WORK_DIR, 'www');
  mkdirSync(join(www, 'api'), { recursive: true });
  writeFileSync(join(www, 'index.html'), `<!doctype html><title>app</title><p>${'benign '.repeat(200)}</p>\n`);
  writeFileSync(join(www, 'api', 'items.json'), `${JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5 })))}\n`);
  mkdirSync('/var/log/ainka-benign-app', { recursive: true });

  // The app server (a python web app on loopback) as a service, and nginx proxying to it.
  sh(`systemd-run --unit=${UNIT_PREFIX}app --quiet --property=Restart=on-failure python3 -m http.server ${APP_PORT} --bind 127.0.0.1 --directory ${shq(www)}`);
  writeFileSync(NGINX_SITE, `server {\n  listen ${PROXY_PORT};\n  access_log /var/log/ainka-benign-app/access.log;\n  location / { proxy_pass http://127.0.0.1:${APP_PORT}/; }\n}\n`);
  sh('nginx -t 2>&1 && systemctl reload nginx');

  // Housekeeping from cron every minute: log rotation (with nginx's reopen), clean-up, reports, an
  // unprivileged job, and on its first run and every 10 minutes Debian's own daily cron scripts and an nginx reload.
  const housekeeping = '/usr/local/sbin/ainka-benign-housekeeping';
  writeFileSync(
    housekeeping,
    `#!/bin/sh
# benign housekeeping (tools/lab/benign.mjs)
set -u
cd /var/log/ainka-benign-app || exit 0
if [ -s access.log ]; then mv access.log access.log.$(date +%s); nginx -s reopen; fi
for f in access.log.*[0-9]; do [ -e "$f" ] && gzip -q "$f"; done
find /var/log/ainka-benign-app -name '*.gz' -mmin +5 -delete
df -h >/dev/null; ps aux >/dev/null; free -m >/dev/null; uptime >/dev/null
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'ls -la /var/tmp >/dev/null; id -u >/dev/null'
echo ok >> ${WORK_DIR}/counts/cron
if [ ! -e ${WORK_DIR}/daily-done ] || [ $(( $(date +%-M) % 10 )) -eq 5 ]; then
  run-parts --report /etc/cron.daily >/dev/null 2>&1; systemctl reload nginx; touch ${WORK_DIR}/daily-done; echo ok >> ${WORK_DIR}/counts/cron-daily
fi
`,
    { mode: 0o755 },
  );
  writeFileSync(CRON_FILE, `# benign housekeeping (tools/lab/benign.mjs)\n* * * * * root ${housekeeping}\n`);

  // A systemd timer (transient): a status report every minute.
  const report = '/usr/local/sbin/ainka-benign-report';
  writeFileSync(report, `#!/bin/sh\nsystemctl list-units --failed --no-pager >/dev/null\njournalctl -n 50 --no-pager >/dev/null\nss -tln >/dev/null\ncat /proc/pressure/memory >/dev/null\necho ok >> ${WORK_DIR}/counts/timer\n`, { mode: 0o755 });
  sh(`systemd-run --unit=${UNIT_PREFIX}report --quiet --on-active=20s --on-unit-active=60s ${report}`);

  // Root's SSH key for the logins (the operator's own key, in authorized_keys beforehand).
  mkdirSync('/root/.ssh', { recursive: true, mode: 0o700 });
  const key = '/root/.ssh/id_ainka_benign';
  if (!existsSync(key)) sh(`ssh-keygen -q -t ed25519 -N '' -C ainka-benign -f ${key}`);
  const pub = readFileSync(`${key}.pub`, 'utf8');
  const ak = '/root/.ssh/authorized_keys';
  const have = existsSync(ak) ? readFileSync(ak, 'utf8') : '';
  if (!have.includes(pub.trim())) writeFileSync(ak, `${have}${pub}`, { mode: 0o600 });
  sh('systemctl is-active --quiet ssh.service || systemctl start ssh.service');
  return { workDir: WORK_DIR, appPort: APP_PORT, proxyPort: PROXY_PORT, cron: CRON_FILE, timer: `${UNIT_PREFIX}report.timer` };
}

/** The loops, each a bash script running until `deadline` (epoch seconds). */
function loopScripts(deadline, sshEveryS) {
  const w = WORK_DIR;
  // nap N: sleep N seconds, but not past the deadline (the loops end on time)
  const until = `nap() { local l=$(( ${deadline} - $(date +%s) )); [ "$l" -gt 0 ] && sleep $(( $1 < l ? $1 : l )); return 0; }; while [ "$(date +%s)" -lt ${deadline} ]; do`;
  const urls = [
    ...Array.from({ length: 6 }, () => 'http://127.0.0.1/'),
    ...Array.from({ length: 6 }, () => `http://127.0.0.1:${PROXY_PORT}/`),
    ...Array.from({ length: 6 }, () => `http://127.0.0.1:${PROXY_PORT}/api/items.json`),
    'http://127.0.0.1/missing-page',
  ].map((u) => `-o /dev/null ${u}`).join(' ');
  const ssh = `ssh -i /root/.ssh/id_ainka_benign -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${w}/known_hosts root@127.0.0.1`;
  return {
    // compile jobs: a clean build with make -j2, a test run of the program, a short pause
    compile: `cd ${w}/proj; ${until} make -s clean; if make -s -j2 >/dev/null 2>&1 && ./app >/dev/null; then echo ok >> ${w}/counts/compile; else echo fail >> ${w}/counts/compile; fi; nap 3; done`,
    // web load: keep-alive request batches against nginx and the proxied app
    web: `${until} curl -s -w '%{http_code}\\n' ${urls} >> ${w}/counts/web 2>/dev/null || echo 000 >> ${w}/counts/web; sleep 0.5; done`,
    // package-manager activity: queries, an archive unpacked, a package built, installed, used, removed
    packages: `${until} dpkg -L coreutils >/dev/null; dpkg -S /bin/ls >/dev/null; dpkg -l >/dev/null; apt-cache policy nginx-light >/dev/null 2>&1;
  rm -rf ${w}/unpack; mkdir -p ${w}/unpack; tar -C /usr/share/doc -czf ${w}/doc.tgz . 2>/dev/null; tar -C ${w}/unpack -xzf ${w}/doc.tgz;
  dpkg-deb --build --root-owner-group ${w}/deb ${w}/hello.deb >/dev/null 2>&1;
  if dpkg -i ${w}/hello.deb >/dev/null 2>&1 && ainka-benign-hello >/dev/null && dpkg -r ainka-benign-hello >/dev/null 2>&1; then echo ok >> ${w}/counts/packages; else echo fail >> ${w}/counts/packages; fi
  nap 20; done`,
    // SSH logins (a command, and a session with a terminal), then an administrator switching user:
    // su to the web server's account and runuser for an unprivileged check (sudo is not in the image)
    ssh: `sleep 15; ${until} if ${ssh} 'uptime; ls /var/log | wc -l' >/dev/null 2>&1 && ${ssh} -tt 'echo session; exit' >/dev/null 2>&1; then echo ok >> ${w}/counts/ssh; else echo fail >> ${w}/counts/ssh; fi;
  if su -s /bin/sh -c 'id -un; ls /var/www >/dev/null 2>&1; true' www-data >/dev/null 2>&1 && runuser -u nobody -- sh -c 'cat /etc/hostname; df -h /' >/dev/null 2>&1; then echo ok >> ${w}/counts/su; else echo fail >> ${w}/counts/su; fi
  nap ${sshEveryS}; done`,
  };
}

/** Starts the loops for `minutes`; returns the deadline (epoch ms). */
export function start(minutes) {
  const deadline = Math.round(Date.now() / 1000 + minutes * 60);
  const sshEveryS = Math.max(30, Math.min(300, Math.round((minutes * 60) / 4)));
  for (const [job, script] of Object.entries(loopScripts(deadline, sshEveryS))) {
    sh(`systemd-run --unit=${UNIT_PREFIX}${job} --quiet --collect bash -c ${shq(script)}`);
  }
  return deadline * 1000;
}

/** Loops still running. */
export function running() {
  return JOBS.filter((j) => sh(`systemctl is-active --quiet ${UNIT_PREFIX}${j}.service`, { allowFail: true }).rc === 0);
}

/** Planned restarts an administrator does (not failures), in order: the app server, then nginx (a new master binds its ports again). */
export const RESTARTS = [`${UNIT_PREFIX}app.service`, 'nginx.service'];

/** Restarts the `i`-th unit of RESTARTS the way an administrator does; returns its name. */
export function restartService(i) {
  const unit = RESTARTS[i % RESTARTS.length];
  sh(`systemctl restart ${unit}`);
  return unit;
}

/** How much of each activity happened: ok/failed per job, HTTP status codes of the web load. */
export function counts() {
  const dir = join(WORK_DIR, 'counts');
  const out = {};
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean);
    if (f === 'web') {
      const codes = {};
      for (const c of lines) codes[c] = (codes[c] ?? 0) + 1;
      out.web = { requests: lines.length, codes };
    } else out[f] = { ok: lines.filter((l) => l === 'ok').length, failed: lines.filter((l) => l !== 'ok').length };
  }
  return out;
}

/** Stops every unit of the workload and removes the cron job, the nginx site and the scripts. */
export function stop() {
  for (const u of [...JOBS.map((j) => `${UNIT_PREFIX}${j}.service`), `${UNIT_PREFIX}report.timer`, `${UNIT_PREFIX}report.service`, `${UNIT_PREFIX}app.service`]) {
    sh(`systemctl stop ${u}`, { allowFail: true });
  }
  sh(`systemctl reset-failed '${UNIT_PREFIX}*'`, { allowFail: true });
  rmSync(CRON_FILE, { force: true });
  if (existsSync(NGINX_SITE)) {
    rmSync(NGINX_SITE, { force: true });
    sh('systemctl reload nginx', { allowFail: true });
  }
  sh('dpkg -r ainka-benign-hello >/dev/null 2>&1', { allowFail: true });
}

// The guard's block-egress response on this kernel, through @ainka/ebpf's CgroupEgress (the host-built dist):
// a process in a new cgroup sends a UDP datagram and opens a TCP connection to a local port, before, while
// and after the cgroup's egress is blocked (while blocked, the TCP connect is tried only with --tcp-blocked: a
// dropped SYN is retried, so it costs its 2 s timeout). Prints one JSON line. Used by attacks.system.test.ts.
//   node packages/guard/test/attacks/egress-check.mjs [port]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { CgroupEgress, cgroup2MountOf } from '@ainka/ebpf';

const port = Number(process.argv[2] ?? 80);
const tcpBlocked = process.argv.includes('--tcp-blocked');
const rel = `ainka-egress-check-${process.pid}`;
const dir = `${cgroup2MountOf(readFileSync('/proc/self/mountinfo', 'utf8'))}/${rel}`;
const script = (tcp) => `echo $$ > ${dir}/cgroup.procs || exit 9
(echo x > /dev/udp/127.0.0.1/9) 2>/dev/null && echo udp-ok
${tcp ? `timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}' 2>/dev/null && echo tcp-ok` : ''}
true`;
const tryNet = (tcp = true) => spawnSync('bash', ['-c', script(tcp)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
mkdirSync(dir);
const egress = new CgroupEgress();
const out = {};
try {
  out.before = tryNet();
  egress.set('/', rel, 'blocked');
  out.state = egress.state('/', rel);
  out.blocked = tryNet(tcpBlocked);
  egress.set('/', rel, 'allowed');
  out.after = tryNet();
  out.stateAfter = egress.state('/', rel);
} finally {
  try {
    egress.set('/', rel, 'allowed');
  } catch {
    /* nothing attached */
  }
  rmdirSync(dir);
}
console.log(JSON.stringify(out));

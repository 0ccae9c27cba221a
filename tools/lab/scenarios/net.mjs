// Lossy long-fat path: the receiver lives in its own network namespace behind a veth pair. The WAN
// (netem: 50 ms delay, LOSS % loss, 100 Mbit/s) sits on the path, at the receiver's ingress through
// an ifb device, like a router would: the sender's own egress keeps the system's default qdisc (netem
// on the sender's egress interacts with TCP small queues and hides pacing). The sender is iperf3 in
// the initial namespace, where the sysctls TuneD and AINKA change apply (a netns copies init_net's
// tcp_congestion_control only when it is created). Objective: iperf3 goodput.
import { have, LabError, sh, sleep } from '../lib/proc.mjs';

const NS = 'labrx';
const TX = 'labtx';
const RX = 'labrx0';
const SERVER = '10.77.0.2';

/** One iperf3 run; null plus the reason when iperf3 printed no usable summary. */
function iperfOnce(seconds) {
  const r = sh(`iperf3 -c ${SERVER} -t ${seconds} -J`, { timeoutMs: (seconds + 60) * 1000, allowFail: true });
  let j;
  try {
    j = JSON.parse(r.out);
  } catch {
    return { why: `iperf3 exited ${r.rc} without a JSON report: ${(r.err || r.out).slice(0, 200)}` };
  }
  const sent = j.end?.sum_sent;
  const recv = j.end?.sum_received;
  if (j.error || typeof recv?.bits_per_second !== 'number') {
    return { why: `iperf3 exited ${r.rc}: ${j.error ?? 'its report has no end.sum_received (the test stopped before the summary)'}` };
  }
  return { mbps: recv.bits_per_second / 1e6, retransmits: sent?.retransmits ?? null, cc: j.end.sender_tcp_congestion ?? null };
}

// At 10 % loss the control connection itself can lose its SYNs or its final exchange, so iperf3
// sometimes ends without a summary: try again (the measured run is a fresh connection), and name
// the cause when every try failed.
const IPERF_TRIES = 3;

/** iperf3 goodput to the lab's server, tried up to three times; exported for the lab's tests. */
export async function iperf(seconds, { pauseMs = 2000 } = {}) {
  const whys = [];
  for (let attempt = 1; attempt <= IPERF_TRIES; attempt++) {
    const r = iperfOnce(seconds);
    if (!r.why) return r;
    whys.push(r.why);
    if (attempt < IPERF_TRIES) await sleep(pauseMs);
  }
  throw new LabError(
    'ERR_AINKA_LAB_IPERF',
    `iperf3 to ${SERVER} (server in netns ${NS}) failed ${IPERF_TRIES} times: ${whys.join('; ')}. ` +
      `Check that the server runs (ip netns exec ${NS} ss -ltnp) and that the path passes traffic (ping -c3 ${SERVER}).`,
  );
}

/** The scenario for `lossPct` % loss. */
export function netScenario(lossPct) {
  return {
    name: `net-loss${lossPct}`,
    title: `netns + veth, netem 50 ms, ${lossPct} % loss, 100 Mbit/s (ifb at the receiver)`,
    objectives: [{ key: 'goodput', label: 'iperf3 goodput', unit: 'Mbit/s', better: 'higher', digits: 1 }],
    cost: 95,
    warmKey: 'netWarmS',
    tunedProfile: 'network-throughput',
    tunedWhy: 'the profile TuneD ships for streaming network throughput (throughput-performance plus 16 MiB TCP buffers)',
    reference: 'bpftune auto-BBR: 58 → 490 Mbit/s at 10 % loss (1 Gbit/s path)',
    requires: () => ['ip', 'tc', 'iperf3'].filter((b) => !have(b)),
    modules: ['veth', 'ifb', 'sch_netem', 'sch_ingress', 'cls_matchall', 'act_mirred', 'tcp_bbr'],
    setup() {
      this.teardown();
      // One shell for the whole topology: every process start costs seconds under TCG.
      const nx = `ip netns exec ${NS}`;
      sh(
        [
          'set -e',
          `ip netns add ${NS}`,
          `ip link add ${TX} type veth peer name ${RX} netns ${NS}`,
          `ip addr add 10.77.0.1/24 dev ${TX}`,
          `ip link set ${TX} up`,
          `ip -n ${NS} addr add ${SERVER}/24 dev ${RX}`,
          `ip -n ${NS} link set ${RX} up`,
          `ip -n ${NS} link set lo up`,
          `${nx} ip link add ifb-lab type ifb`,
          `${nx} ip link set ifb-lab up`,
          `${nx} tc qdisc add dev ${RX} handle ffff: ingress`,
          `${nx} tc filter add dev ${RX} parent ffff: matchall action mirred egress redirect dev ifb-lab`,
          `${nx} tc qdisc add dev ifb-lab root netem delay 50ms loss ${lossPct}% rate 100mbit limit 20000`,
          `${nx} iperf3 -s -D --pidfile /run/lab-iperf3.pid`,
        ].join('\n'),
      );
      return sleep(300);
    },
    async warmup(d) {
      await iperf(d.netWarmS);
    },
    async measure(d) {
      const r = await iperf(d.netMeasureS);
      return { values: { goodput: r.mbps }, detail: { retransmits: r.retransmits, congestion: r.cc } };
    },
    teardown() {
      sh(`[ -f /run/lab-iperf3.pid ] && kill $(cat /run/lab-iperf3.pid) 2>/dev/null; rm -f /run/lab-iperf3.pid; ip link del ${TX} 2>/dev/null; ip netns del ${NS} 2>/dev/null; true`, { allowFail: true });
    },
  };
}

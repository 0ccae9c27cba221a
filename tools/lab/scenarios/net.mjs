// Lossy long-fat path: the receiver lives in its own network namespace behind a veth pair. The WAN
// (netem: 50 ms delay, LOSS % loss, 100 Mbit/s) sits on the path, at the receiver's ingress through
// an ifb device, like a router would: the sender's own egress keeps the system's default qdisc (netem
// on the sender's egress interacts with TCP small queues and hides pacing). The sender is iperf3 in
// the initial namespace, where the sysctls TuneD and AINKA change apply (a netns copies init_net's
// tcp_congestion_control only when it is created). Objective: iperf3 goodput.
import { have, sh, sleep } from '../lib/proc.mjs';

const NS = 'labrx';
const TX = 'labtx';
const RX = 'labrx0';
const SERVER = '10.77.0.2';

function iperf(seconds) {
  const r = sh(`iperf3 -c ${SERVER} -t ${seconds} -J`, { timeoutMs: (seconds + 60) * 1000 });
  const j = JSON.parse(r.out);
  const sent = j.end.sum_sent;
  const recv = j.end.sum_received;
  return { mbps: recv.bits_per_second / 1e6, retransmits: sent.retransmits ?? null, cc: j.end.sender_tcp_congestion ?? null };
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
      iperf(d.netWarmS);
    },
    async measure(d) {
      const r = iperf(d.netMeasureS);
      return { values: { goodput: r.mbps }, detail: { retransmits: r.retransmits, congestion: r.cc } };
    },
    teardown() {
      sh(`[ -f /run/lab-iperf3.pid ] && kill $(cat /run/lab-iperf3.pid) 2>/dev/null; rm -f /run/lab-iperf3.pid; ip link del ${TX} 2>/dev/null; ip netns del ${NS} 2>/dev/null; true`, { allowFail: true });
    },
  };
}

// ainkad for tools/lab/benign.mjs: the product's systemd unit (`ainkad install-service`) with the
// default config as shipped (advisory mode, the guard and self-healing on), and what it said and cost
// during the benign run: guard alerts, healing findings and the actions asked for, policy advice, its
// CPU (the unit's cgroup) and memory.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiCall } from './api.mjs';
import { LabError, sh, sleep } from './proc.mjs';
import { unitCpuSeconds } from './unitcpu.mjs';

export const UNIT = 'ainkad.service';
const CGROUP = `/sys/fs/cgroup/system.slice/${UNIT}`;
const CONFIG = '/etc/ainka/ainkad.yaml';

/** Units, cgroups and processes healing and the guard must never act on (ainkad's own list plus PID 1). */
const PROTECTED = ['ainkad.service', 'ssh.service', 'sshd.service', 'systemd-journald.service', 'systemd-logind.service', 'dbus.service', 'init.scope'];

/** True when an action's knob targets a protected unit, its cgroup, PID 1 or ainkad itself. */
export function touchesProtected(knob, ainkadPid) {
  if (PROTECTED.some((u) => knob.includes(u))) return true;
  const pid = /^process:(\d+):/.exec(knob)?.[1];
  return pid === '1' || (ainkadPid !== undefined && pid === String(ainkadPid));
}

/**
 * The default config (`ainkad --print-default-config`) with `guard.rules` set to `rules` (the operator's own
 * DetectionRules files, loaded after the starter pack); unchanged without rules.
 */
export function withGuardRules(yaml, rules) {
  if (rules.length === 0) return yaml;
  const out = yaml.replace(/^(guard:\n(?:[ #].*\n)*?)  rules: \[\]$/m, (_, head) => `${head}  rules: ${JSON.stringify(rules)}`);
  if (out === yaml) throw new LabError('ERR_AINKA_LAB_CONFIG', 'cannot set guard.rules: the default config has no "guard:" section with "rules: []"');
  return out;
}

/**
 * Installs ainkad as the product's unit with its default config (the one `ainkad install-service` writes
 * when none exists, unchanged but for `--rules`), and removes a state directory left by an earlier run.
 * One start of the daemon's bundle: each costs tens of seconds of emulated CPU in the TCG guest.
 */
export function install(repo, { rules = [] } = {}) {
  const ainkad = `${process.execPath} ${join(repo, 'apps/daemon/dist/main.js')}`;
  if (sh(`systemctl is-active --quiet ${UNIT}`, { allowFail: true }).rc === 0) throw new LabError('ERR_AINKA_LAB_DIRTY', `${UNIT} is already running: the benign run starts it itself (systemctl stop ${UNIT})`);
  rmSync(CONFIG, { force: true });
  rmSync('/var/lib/ainka', { recursive: true, force: true });
  sh(`${ainkad} install-service`);
  const yaml = readFileSync(CONFIG, 'utf8');
  if (!/^mode:\s*advise/m.test(yaml)) throw new LabError('ERR_AINKA_LAB_CONFIG', `ainkad's default config is not advisory ("mode: advise" missing in ${CONFIG}):\n${yaml.slice(0, 400)}`);
  if (rules.length) writeFileSync(CONFIG, withGuardRules(yaml, rules));
  sh('systemctl daemon-reload');
  const version = JSON.parse(readFileSync(join(repo, 'apps/daemon/package.json'), 'utf8')).version;
  return { config: rules.length ? `default (as ainkad install-service writes it) + guard.rules ${rules.join(', ')}` : 'default (as ainkad install-service writes it)', rules, version };
}

/** `CPUQuotaPerSecUSec` ("250ms", "1s") → percent, or null without a quota. */
function quotaPercent(perSec) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|us)$/.exec(perSec ?? '');
  if (!m) return null;
  return Math.round((Number(m[1]) * (m[2] === 's' ? 1e6 : m[2] === 'ms' ? 1e3 : 1)) / 1e4);
}

/**
 * Starts the unit and waits until its guard sees events and healing reports its parts. The start-up
 * (node, the bundle, eBPF verification: minutes of emulated CPU under TCG) runs without the unit's
 * CPUQuota, which is put back before the workload (checked in cpu.max), as in the efficacy lab.
 */
export async function start({ timeoutS = 1500, log = () => {} } = {}) {
  const t0 = Date.now();
  const quota = quotaPercent(sh(`systemctl show -p CPUQuotaPerSecUSec --value ${UNIT}`).out);
  if (quota !== null) sh(`systemctl set-property --runtime ${UNIT} CPUQuota=`);
  sh(`systemctl start ${UNIT}`);
  const end = t0 + timeoutS * 1000;
  let last = '';
  for (;;) {
    try {
      const a = await apiCall('alerts', { limit: 1 }, { timeoutMs: 30_000 });
      if (!a.guard.available) throw new LabError('ERR_AINKA_LAB_GUARD', `ainkad's guard is not running: ${a.guard.reason ?? '?'}\n${journalTail(40)}`);
      const st = await apiCall('status', {}, { timeoutMs: 30_000 });
      const parts = st.healing?.parts ?? [];
      const events = Object.values(a.stats?.events ?? {}).reduce((x, y) => x + y, 0);
      if (events > 0 && parts.length > 0) {
        log(`ainkad up after ${((Date.now() - t0) / 1000).toFixed(0)} s: guard ${events} events, healing parts ${parts.map((p) => `${p.id}${p.available ? '' : ' (off)'}`).join(', ')}`);
        break;
      }
      last = `guard events ${events}, healing parts ${parts.length}`;
    } catch (e) {
      if (e.code === 'ERR_AINKA_LAB_GUARD') throw e;
      last = e.message;
    }
    if (Date.now() > end) throw new LabError('ERR_AINKA_LAB_TIMEOUT', `ainkad not up within ${timeoutS} s (${last}):\n${journalTail(40)}`);
    sh('true');
    await sleep(2000);
  }
  let cpuMax = null;
  if (quota !== null) {
    sh(`systemctl set-property --runtime ${UNIT} CPUQuota=${quota}%`);
    cpuMax = readText(join(CGROUP, 'cpu.max'));
    if (!cpuMax?.startsWith(String(quota * 1000))) throw new LabError('ERR_AINKA_LAB_QUOTA', `ainkad's CPUQuota=${quota}% is not in effect after its start: cpu.max is "${cpuMax}"`);
  }
  return { startSeconds: (Date.now() - t0) / 1000, quotaPercent: quota, cpuMax, pid: Number(sh(`systemctl show -p MainPID --value ${UNIT}`).out) };
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function journalTail(n) {
  return sh(`journalctl -u ${UNIT} -n ${n} --no-pager -o cat`, { allowFail: true }).out;
}

/** Records the drift baseline (some sysctls and /etc files, plus modules, mounts and enabled units by default). */
export async function recordBaseline() {
  const files = ['/etc/hosts', '/etc/passwd', '/etc/group', '/etc/ssh/sshd_config', '/etc/nginx/nginx.conf', '/etc/crontab'].filter((f) => existsSync(f));
  const sysctls = ['vm.swappiness', 'vm.dirty_ratio', 'net.core.somaxconn', 'kernel.pid_max', 'net.ipv4.tcp_congestion_control', 'kernel.kptr_restrict'];
  const r = await apiCall('baseline.record', { sysctls, files }, { timeoutMs: 120_000 });
  return { items: r.items, sysctls, files };
}

/** One sample of ainkad's cost and counters. */
export async function sample() {
  const s = { at: Date.now(), cpuS: unitCpuSeconds(UNIT), memCurrent: Number(readText(join(CGROUP, 'memory.current')) ?? NaN), rss: null, alerts: null, events: null, healingOpen: null };
  try {
    // a short wait: at its CPUQuota in the emulated guest ainkad can take a minute to answer under load,
    // and the loop must keep time (the unit's CPU and memory above need no answer)
    const st = await apiCall('status', {}, { timeoutMs: 15_000 });
    s.rss = st.rssBytes;
    s.healingOpen = st.healing?.open ?? null;
    const a = await apiCall('alerts', { limit: 1 }, { timeoutMs: 15_000 });
    s.alerts = Object.values(a.stats?.alerts ?? {}).reduce((x, y) => x + y, 0);
    s.events = Object.values(a.stats?.events ?? {}).reduce((x, y) => x + y, 0);
  } catch (e) {
    s.error = e.message;
  }
  return s;
}

/** ainkad's healing log lines since `sinceMs` (every finding is logged with its id, kind and key). */
function healingFromJournal(sinceMs) {
  const out = sh(`journalctl -u ${UNIT} --since=@${Math.floor(sinceMs / 1000)} --no-pager -o cat`, { allowFail: true, timeoutMs: 300_000 }).out;
  const records = new Map();
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    let j;
    try {
      j = JSON.parse(line);
    } catch {
      continue;
    }
    if (j.event !== 'healing' || !j.healing?.id) continue;
    const h = j.healing;
    const r = records.get(h.id) ?? { id: h.id, kind: h.kind, key: h.key, first: j.msg, status: 'open', lines: 0 };
    r.lines++;
    if (h.status === 'resolved') r.status = 'resolved';
    else if (h.notApplied) r.notApplied = h.notApplied;
    else r.last = j.msg;
    records.set(h.id, r);
  }
  return [...records.values()];
}

/**
 * Lifts the unit's CPUQuota after the measured window (its CPU is sampled before), so that reading the
 * results does not wait on a daemon held to a quarter of an emulated core; returns the quota lifted.
 */
export function liftQuota() {
  const quota = quotaPercent(sh(`systemctl show -p CPUQuotaPerSecUSec --value ${UNIT}`).out);
  if (quota !== null) sh(`systemctl set-property --runtime ${UNIT} CPUQuota=`);
  return quota;
}

/** Everything ainkad raised since `sinceMs`: alerts, healing findings and actions, policy advice, guard stats, eBPF drops. */
export async function collect(sinceMs, ainkadPid) {
  const a = await apiCall('alerts', { limit: 500 }, { timeoutMs: 120_000 });
  // every alert of this ainkad (its state was wiped at install): those before the workload window were raised
  // while it started and the baseline was recorded, on the set-up's activity (the timer's first run) — also false
  const alerts = a.alerts.map((x) => ({ id: x.id, rule: x.rule, severity: x.severity, summary: x.summary, tree: x.tree, at: x.at, beforeWorkload: x.at < sinceMs, ...(x.response ? { response: x.response } : {}) }));
  const acts = (await apiCall('actions', {}, { timeoutMs: 120_000 })).actions.filter((x) => x.at >= sinceMs);
  const healingActions = acts.filter((x) => x.policy === 'healing').map((x) => ({ id: x.id, kind: x.rule, knob: x.knob, value: x.value, status: x.status, line: x.line, protected: touchesProtected(x.knob, ainkadPid) }));
  const policyAdvice = acts.filter((x) => x.policy !== 'healing').map((x) => ({ id: x.id, policy: x.policy, rule: x.rule, knob: x.knob, value: x.value, status: x.status }));
  const st = await apiCall('status', {}, { timeoutMs: 60_000 });
  const guardResponses = alerts.filter((x) => x.response).map((x) => ({ alert: x.id, ...x.response }));
  let drops = null;
  try {
    const res = await fetch('http://127.0.0.1:9464/metrics', { signal: AbortSignal.timeout(60_000) });
    drops = (await res.text()).split('\n').filter((l) => /^ainka_\w*(drop|lost)\w*/.test(l));
  } catch (e) {
    drops = [`/metrics unreadable: ${e.message}`];
  }
  return {
    alerts,
    guardStats: a.stats,
    guardResponses,
    healing: healingFromJournal(sinceMs),
    healingActions,
    healingParts: st.healing?.parts ?? [],
    protectedUnits: st.healing?.protectedUnits ?? [],
    policyAdvice,
    drops,
  };
}

/** Stops ainkad (its rollback-on-exit undoes nothing in advisory mode) and checks it stopped cleanly. */
export function stop() {
  sh(`systemctl stop ${UNIT}`, { allowFail: true, timeoutMs: 300_000 });
  return sh(`systemctl show -p Result --value ${UNIT}`, { allowFail: true }).out;
}

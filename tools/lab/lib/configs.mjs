// The three configurations the lab compares, each with begin / enterScenario / end. `end` resets for
// real (TuneD stopped and `tuned-adm off`; AINKA's changes rolled back and the daemon stopped); the
// runner then checks the state against the pristine snapshot.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiCall } from './api.mjs';
import { changesIn, outstanding, readJournal } from './journal.mjs';
import { LabError, sh, sleep } from './proc.mjs';
import { lastJournalEvent, mtimeOr } from './settle.mjs';
import { unitCpuSeconds } from './unitcpu.mjs';

async function waitFor(what, fn, timeoutS) {
  const end = Date.now() + timeoutS * 1000;
  let last = '';
  while (Date.now() < end) {
    try {
      const r = fn();
      if (r === true) return;
      last = String(r);
    } catch (e) {
      last = e.message;
    }
    await sleep(1000);
  }
  throw new LabError('ERR_AINKA_LAB_TIMEOUT', `${what} not ready after ${timeoutS} s: ${last}`);
}

/** True when a knob's object is gone: `process:<pid>:…` without /proc/<pid>, `cgroup:<path>:…` without its directory. */
export function objectGone(knob) {
  const p = /^process:(\d+):/.exec(knob);
  if (p) return !existsSync(`/proc/${p[1]}`);
  const c = /^cgroup:(.+):[^:]+$/.exec(knob);
  if (c) return !existsSync(join('/sys/fs/cgroup', c[1]));
  return false;
}

async function waitForAsync(what, fn, timeoutS) {
  const end = Date.now() + timeoutS * 1000;
  let last = '';
  while (Date.now() < end) {
    try {
      await fn();
      return;
    } catch (e) {
      last = e.message;
    }
    await sleep(2000);
  }
  throw new LabError('ERR_AINKA_LAB_TIMEOUT', `${what} not ready after ${timeoutS} s: ${last}`);
}

export const defaultConfig = {
  name: 'default',
  label: 'default',
  async begin() {},
  async enterScenario() {
    return {};
  },
  async leaveScenario() {
    return {};
  },
  /** Nothing runs: nothing to wait for. */
  async settleState() {
    return null;
  },
  cpuSeconds() {
    return null;
  },
  async end() {
    return {};
  },
};

const TUNED_BUS = 'busctl call com.redhat.tuned /Tuned com.redhat.tuned.control';

/**
 * TuneD, driven the way `tuned-adm` drives it but over D-Bus with busctl (tuned-adm is a Python
 * client: a minute of emulated CPU per call in the TCG guest): `switch_profile` = `tuned-adm profile`,
 * `disable` = `tuned-adm off`.
 */
export const tunedConfig = {
  name: 'tuned',
  label: 'TuneD',
  version() {
    return sh("dpkg-query -W -f='${Version}' tuned", { allowFail: true }).out || 'unknown';
  },
  async begin() {
    // Type=dbus: start returns once TuneD owns its bus name.
    sh('systemctl start tuned.service', { timeoutMs: 900_000 });
  },
  async enterScenario(s) {
    const r = sh(`${TUNED_BUS} switch_profile s ${s.tunedProfile}`, { timeoutMs: 600_000 });
    if (!/^\(bs\) true/.test(r.out)) throw new LabError('ERR_AINKA_LAB_TUNED', `TuneD refused profile ${s.tunedProfile}: ${r.out}`);
    await waitFor(`TuneD profile ${s.tunedProfile}`, () => sh(`${TUNED_BUS} active_profile`, { allowFail: true }).out.includes(`"${s.tunedProfile}"`) || 'not active yet', 600);
    this.profileAt = Date.now();
    return { profile: s.tunedProfile };
  },
  async leaveScenario() {
    return {};
  },
  /** Quiet since its profile became active or its log was last written (dynamic tuning, a re-apply). */
  async settleState() {
    return { quietSince: mtimeOr('/var/log/tuned/tuned.log', this.profileAt ?? 0), busy: false };
  },
  cpuSeconds() {
    return unitCpuSeconds('tuned.service');
  },
  async end() {
    sh(`${TUNED_BUS} disable`, { allowFail: true, timeoutMs: 600_000 });
    sh('systemctl stop tuned.service', { timeoutMs: 600_000 });
    return {};
  },
};

/** `CPUQuotaPerSecUSec` ("250ms", "1s", "infinity") → { percent, quotaUs per 100 ms period }, or null without a quota. */
export function unitQuota(perSec) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|us)$/.exec(perSec ?? '');
  if (!m) return null;
  const us = Number(m[1]) * (m[2] === 's' ? 1e6 : m[2] === 'ms' ? 1e3 : 1);
  return { percent: Math.round(us / 1e4), quotaUs: Math.round(us / 10) };
}

/** AINKA: ainkad installed as the product's systemd unit, enforce mode, the shipped packs. */
export function ainkaConfig(repo) {
  const node = process.execPath;
  const ainkad = `${node} ${join(repo, 'apps/daemon/dist/main.js')}`;
  const stateDir = '/var/lib/ainka';
  const journalPath = join(stateDir, 'journal.log');
  let scenarioStart = 0;
  return {
    name: 'ainka',
    label: 'AINKA',
    journalPath,
    installed: false,
    install() {
      if (this.installed) return;
      mkdirSync('/etc/ainka', { recursive: true });
      // The daemon's own default config, with only the mode switched to enforce: the shipped packs.
      const yaml = sh(`${ainkad} --print-default-config`).out;
      if (!/^mode:\s*advise/m.test(yaml)) throw new LabError('ERR_AINKA_LAB_CONFIG', `ainkad's default config has no "mode: advise" line to switch to enforce:\n${yaml.slice(0, 400)}`);
      writeFileSync('/etc/ainka/ainkad.yaml', yaml.replace(/^mode:\s*advise/m, 'mode: enforce'));
      sh(`${ainkad} install-service`);
      // The product's unit as installed, its CPUQuota included: what ainkad costs is part of the
      // result (the report shows its CPU per scenario). No drop-in from an earlier lab stays.
      rmSync('/etc/systemd/system/ainkad.service.d/lab-tcg.conf', { force: true });
      sh('systemctl daemon-reload');
      this.quota = unitQuota(sh('systemctl show -p CPUQuotaPerSecUSec --value ainkad.service').out);
      this.installed = true;
    },
    /**
     * Starts ainkad; its start-up (node, the bundle, eBPF verification: many minutes of emulated CPU)
     * runs without the quota, before any scenario, then the unit's own quota is put back for every
     * measurement (`systemctl set-property --runtime`, checked in the cgroup's cpu.max).
     */
    async begin() {
      this.install();
      if (this.quota) sh('systemctl set-property --runtime ainkad.service CPUQuota=', { allowFail: true });
      sh('systemctl start ainkad.service');
      await waitForAsync('ainkad (status on its socket)', () => apiCall('status', {}, { timeoutMs: 30_000 }), 1800);
      if (this.quota) {
        sh(`systemctl set-property --runtime ainkad.service CPUQuota=${this.quota.percent}%`);
        this.cpuMax = sh('cat /sys/fs/cgroup/system.slice/ainkad.service/cpu.max', { allowFail: true }).out;
        if (!this.cpuMax.startsWith(String(this.quota.quotaUs))) throw new LabError('ERR_AINKA_LAB_QUOTA', `ainkad's CPUQuota=${this.quota.percent}% is not in effect after its start: cpu.max is "${this.cpuMax}"`);
      }
    },
    async enterScenario() {
      scenarioStart = Date.now();
      return { cpuMax: this.cpuMax ?? null };
    },
    /**
     * The changes AINKA made during the scenario, from its journal, each kept or rolled back as of the
     * end of the measurement (`measuredUntil`).
     */
    async leaveScenario(_s, { measuredUntil } = {}) {
      const j = readJournal(journalPath);
      return { changes: j.changes ? changesIn(j, scenarioStart, measuredUntil ?? Date.now()) : [] };
    },
    /** Quiet since its last change journal record (or the scenario's start); busy while `status` shows a trial. */
    async settleState() {
      const j = readJournal(journalPath);
      const quietSince = j.changes ? lastJournalEvent(j, scenarioStart) : scenarioStart;
      let trial = null;
      try {
        trial = (await apiCall('status', {}, { timeoutMs: 30_000 })).trial ?? null;
      } catch (e) {
        return { quietSince, busy: true, why: `status: ${e.message}` };
      }
      return { quietSince, busy: trial !== null, trial };
    },
    cpuSeconds() {
      return unitCpuSeconds('ainkad.service');
    },
    async end() {
      // `ainka rollback --all`, through the API in process (the CLI is the same call).
      let outcomes;
      try {
        outcomes = (await apiCall('rollback', { all: true }, { timeoutMs: 300_000 })).outcomes ?? [];
      } catch (e) {
        outcomes = [{ status: 'failed', line: e.message }];
      }
      sh('systemctl stop ainkad.service', { timeoutMs: 300_000 });
      // A change to an object that no longer exists (a process that exited, a transient unit's
      // cgroup) has nothing left to restore.
      const left = (existsSync(journalPath) ? outstanding(readJournal(journalPath)) : []).filter((c) => !objectGone(c.knob));
      if (left.length) throw new LabError('ERR_AINKA_LAB_DIRTY', `AINKA left ${left.length} change(s) applied after rollback --all and stop: ${left.map((c) => `${c.knob} ${c.before} → ${c.after}`).join('; ')}`);
      return { rollback: outcomes };
    },
  };
}

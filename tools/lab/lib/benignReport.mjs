// The benign run's numbers (false alarms by rule and kind, ainkad's CPU and memory) and its Markdown
// report. Pure functions over the raw results benign.mjs writes.

const MiB = 1048576;

function countBy(items, key) {
  const out = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/**
 * Summary of a raw result: false alerts by rule, healing findings by kind, healing actions by kind and
 * status, actions on protected targets, ainkad's CPU over the workload window (share of one core) and
 * its memory (peak and end of the unit's memory.current, the daemon's own RSS).
 */
export function summarize(r) {
  const c = r.collected ?? { alerts: [], healing: [], healingActions: [], policyAdvice: [], guardResponses: [] };
  const samples = (r.samples ?? []).filter((s) => s.cpuS !== null && s.cpuS !== undefined);
  const first = samples[0];
  const last = samples.at(-1);
  const wallS = first && last ? (last.at - first.at) / 1000 : 0;
  const cpuS = first && last ? last.cpuS - first.cpuS : null;
  const mems = samples.map((s) => s.memCurrent).filter(Number.isFinite);
  const rsss = samples.map((s) => s.rss).filter(Number.isFinite);
  const events = first && last && Number.isFinite(last.events) && Number.isFinite(first.events) ? last.events - first.events : null;
  return {
    minutes: r.plan?.minutes ?? null,
    workloadSeconds: r.workload?.seconds ?? null,
    falseAlerts: c.alerts.filter((a) => !a.beforeWorkload).length,
    alertsByRule: countBy(c.alerts.filter((a) => !a.beforeWorkload), (a) => a.rule),
    // alerts raised while ainkad started and the baseline was recorded (before the workload window): also false
    alertsBeforeWorkload: c.alerts.filter((a) => a.beforeWorkload).length,
    alertsBeforeWorkloadByRule: countBy(c.alerts.filter((a) => a.beforeWorkload), (a) => a.rule),
    guardResponses: c.guardResponses?.length ?? 0,
    healingFindings: c.healing.length,
    // findings that only say the unit stopped cleanly and is left alone (a notice, no remedy asked for)
    healingLeftAlone: c.healing.filter((h) => /left alone/.test(h.first ?? '')).length,
    healingByKind: countBy(c.healing, (h) => h.kind),
    healingActions: c.healingActions.length,
    healingActionsByKind: countBy(c.healingActions, (a) => `${a.kind} ${a.status}`),
    protectedActions: c.healingActions.filter((a) => a.protected).length,
    policyAdvice: c.policyAdvice.length,
    cpu: cpuS === null ? null : { seconds: cpuS, wallSeconds: wallS, percentOfCore: wallS > 0 ? (100 * cpuS) / wallS : null },
    memory: { peakMiB: mems.length ? Math.max(...mems) / MiB : null, endMiB: mems.length ? mems.at(-1) / MiB : null, rssPeakMiB: rsss.length ? Math.max(...rsss) / MiB : null, rssEndMiB: rsss.length ? rsss.at(-1) / MiB : null },
    // samples whose API calls got no answer in time (ainkad busy at its CPUQuota)
    apiStalls: { failed: (r.samples ?? []).filter((x) => x.error).length, of: (r.samples ?? []).length },
    guardEvents: events,
    eventsPerSecond: events !== null && wallS > 0 ? events / wallS : null,
  };
}

/** What a benign run must not raise (empty when clean): guard alerts, healing actions, actions on protected targets. */
export function problems(s) {
  const out = [];
  if (s.falseAlerts) out.push(`${s.falseAlerts} guard alert(s): ${JSON.stringify(s.alertsByRule)}`);
  if (s.healingActions) out.push(`${s.healingActions} healing action(s): ${JSON.stringify(s.healingActionsByKind)}`);
  if (s.protectedActions) out.push(`${s.protectedActions} action(s) on protected targets`);
  return out;
}

const fmt = (n, d = 1) => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(d));
const table = (obj, head) => {
  const rows = Object.entries(obj).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return `| ${head} | count |\n| --- | --- |\n| (none) | 0 |\n`;
  return `| ${head} | count |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
};
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300);

/** HTTP status counts of the web load (only status lines: runs before the curl fix also logged bodies). */
function webCell(web) {
  if (!web) return 'none';
  const codes = Object.entries(web.codes).filter(([k]) => /^\d{3}$/.test(k));
  const n = codes.reduce((a, [, v]) => a + v, 0);
  return `${n} requests (${codes.map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

/** The Markdown report of one run. */
export function renderMarkdown(r, { command, hostInfo } = {}) {
  const s = summarize(r);
  const c = r.collected ?? { alerts: [], healing: [], healingActions: [], policyAdvice: [] };
  const w = r.workload?.counts ?? {};
  const okFail = (k) => (w[k] ? `${w[k].ok} ok, ${w[k].failed} failed` : 'none');
  const lines = [
    '# Benign workload: false alarms of the guard and self-healing',
    '',
    `ainkad as the product's systemd unit (\`ainkad install-service\`, the default config: advisory mode, guard and healing on, CPUQuota ${r.daemon?.quotaPercent ?? '?'} % put back after its start-up) in the Debian 12 systemd guest, while a benign workload ran for ${fmt(s.workloadSeconds / 60)} minutes. Nothing in the workload is an attack: **every guard alert below is a false alert, and every healing action a false alarm**; healing findings that only note a unit which stopped cleanly and is left alone are notices (no remedy asked for).`,
    '',
    `Run: ${r.meta?.started ?? '?'}, kernel ${r.meta?.kernel ?? '?'}, ${r.meta?.cpus ?? '?'} vCPUs (QEMU TCG), ainkad ${r.daemon?.version ?? '?'} (start-up ${fmt(r.daemon?.startSeconds, 0)} s).${hostInfo ? ` Host: ${hostInfo}.` : ''}`,
    command ? `Command: \`${command}\`` : '',
    '',
    '## Result',
    '',
    '| what | value |',
    '| --- | --- |',
    `| guard alerts (all false) | **${s.falseAlerts}** (${fmt(s.workloadSeconds ? (s.falseAlerts * 3600) / s.workloadSeconds : null)} per hour) |`,
    `| guard alerts before the workload window (ainkad starting, set-up activity; all false) | **${s.alertsBeforeWorkload}** ${Object.keys(s.alertsBeforeWorkloadByRule).length ? JSON.stringify(s.alertsBeforeWorkloadByRule) : ''} |`,
    `| guard responses proposed | ${s.guardResponses} |`,
    `| healing findings (all on benign activity) | **${s.healingFindings}**, of which ${s.healingLeftAlone} only note a unit that stopped cleanly and is left alone |`,
    `| healing actions asked for (advice or applied) | ${s.healingActions} |`,
    `| actions on protected units / PID 1 / ainkad | **${s.protectedActions}** |`,
    `| policy advice (tuning packs, not alarms) | ${s.policyAdvice} |`,
    `| guard events evaluated | ${s.guardEvents ?? 'n/a'} (${fmt(s.eventsPerSecond)} /s) |`,
    `| ainkad CPU over the workload (CPUUsageNSec of its cgroup) | ${fmt(s.cpu?.seconds)} s in ${fmt(s.cpu?.wallSeconds, 0)} s = **${fmt(s.cpu?.percentOfCore, 2)} % of one core** |`,
    `| ainkad memory (unit memory.current) | peak ${fmt(s.memory.peakMiB)} MiB, end ${fmt(s.memory.endMiB)} MiB |`,
    `| ainkad RSS (its own status) | peak ${fmt(s.memory.rssPeakMiB)} MiB, end ${fmt(s.memory.rssEndMiB)} MiB |`,
    `| samples where ainkad's API did not answer in time (busy at its CPUQuota) | ${s.apiStalls.failed} of ${s.apiStalls.of} |`,
    '',
    '### Guard alerts by rule',
    '',
    table(s.alertsByRule, 'rule'),
    '### Healing findings by kind',
    '',
    table(s.healingByKind, 'kind (leak / pressure / service / drift)'),
    '### Healing actions by kind and status',
    '',
    table(s.healingActionsByKind, 'kind status'),
    '## The workload',
    '',
    '| activity | how much |',
    '| --- | --- |',
    `| compile jobs (\`make clean && make -j2\` of an 11-file C project with gcc, then the program runs) | ${okFail('compile')} |`,
    `| web load (curl keep-alive batches against nginx and nginx proxying a python app server) | ${webCell(w.web)} |`,
    `| package manager (dpkg -L/-S/-l, apt-cache, a tarball unpacked, a .deb built, installed with dpkg -i, run, removed) | ${okFail('packages')} |`,
    `| cron job every minute (log rotation + nginx reopen, gzip, find -delete, an unprivileged job) | ${okFail('cron')} |`,
    `| Debian's /etc/cron.daily scripts (run-parts) and an nginx reload | ${okFail('cron-daily')} |`,
    `| systemd timer every minute (failed units, journal, sockets, PSI) | ${okFail('timer')} |`,
    `| SSH logins as root with a key (a command, and a session with a terminal) | ${okFail('ssh')} |`,
    `| switching user: \`su\` to www-data, \`runuser\` to nobody (sudo is not in the guest image) | ${okFail('su')} |`,
    `| planned service restarts (systemctl restart) | ${r.workload?.restarts ?? 0}${r.workload?.restarted?.length ? ` (${r.workload.restarted.join(', ')})` : ''} |`,
    '',
    'Set up before ainkad started (the administrator\'s earlier work): the C project, the app server unit, nginx\'s proxy site, the cron file, the timer, root\'s SSH key.',
    '',
  ];
  if (c.alerts.length) {
    lines.push('## Every alert', '', '| rule | summary | process tree | when |', '| --- | --- | --- | --- |');
    for (const a of c.alerts) lines.push(`| ${a.rule} | ${cell(a.summary)} | ${cell(a.tree)} | ${a.beforeWorkload ? 'before the workload' : 'workload'} |`);
    lines.push('');
  }
  if (c.healing.length) {
    lines.push('## Every healing finding', '', '| id | kind | key | first line |', '| --- | --- | --- | --- |');
    for (const h of c.healing) lines.push(`| ${h.id} | ${h.kind} | ${cell(h.key)} | ${cell(h.first)} |`);
    lines.push('');
  }
  if (c.healingActions.length) {
    lines.push('## Every healing action', '', '| id | kind | knob | value | status |', '| --- | --- | --- | --- | --- |');
    for (const a of c.healingActions) lines.push(`| ${a.id} | ${a.kind} | ${cell(a.knob)} | ${cell(a.value)} | ${a.status}${a.protected ? ' **PROTECTED**' : ''} |`);
    lines.push('');
  }
  if (c.drops?.length) lines.push('## eBPF drop counters at the end', '', '```', ...c.drops, '```', '');
  if (r.errors?.length) lines.push('## Errors', '', ...r.errors.map((e) => `- ${e}`), '');
  return { text: `${lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n')}\n`, summary: s };
}

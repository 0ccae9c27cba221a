// Preload for profile.mjs (node -r): a V8 CPU profile of the daemon over [PROF_FROM, PROF_TO] s after start
// (sampling every PROF_SAMPLE_US µs) and process.memoryUsage() + V8 heap spaces once a second, written to PROF_OUT.json
// and PROF_OUT.cpuprofile (PROF_ALLOC=1: sampled allocations, garbage included, to PROF_OUT.heapprofile). Not shipped: a bench tool.
'use strict';
const inspector = require('node:inspector');
const v8 = require('node:v8');
const { writeFileSync } = require('node:fs');
const out = process.env.PROF_OUT;
const from = Number(process.env.PROF_FROM ?? 15) * 1000;
const to = Number(process.env.PROF_TO ?? 75) * 1000;
const alloc = process.env.PROF_ALLOC === '1';
const t0 = Date.now();
const mem = [];
const snap = (phase) => {
  const m = process.memoryUsage();
  mem.push({
    t: (Date.now() - t0) / 1000,
    phase,
    ...m,
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size])),
  });
};
snap('preload');
setImmediate(() => snap('first turn'));
const every = setInterval(() => snap('tick'), 1000);
every.unref();
const session = new inspector.Session();
session.connect();
const startTimer = setTimeout(() => {
  session.post('Profiler.enable', () =>
    session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROF_SAMPLE_US ?? 1000) }, () =>
      session.post('Profiler.start', () => {
        // allocations over the same window, garbage included (sampled every 32 KiB)
        if (alloc)
          session.post('HeapProfiler.startSampling', {
            samplingInterval: 32768,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: true,
          });
        snap('profile start');
        setTimeout(() => {
          session.post('Profiler.stop', (err, res) => {
            snap('profile stop');
            if (!err) writeFileSync(`${out}.cpuprofile`, JSON.stringify(res.profile));
            const done = () => writeFileSync(`${out}.json`, JSON.stringify(mem));
            if (!alloc) return done();
            session.post('HeapProfiler.stopSampling', (e2, r2) => {
              if (!e2) writeFileSync(`${out}.heapprofile`, JSON.stringify(r2.profile));
              done();
            });
          });
        }, to - from).unref();
      })
    )
  );
}, from);
startTimer.unref();

// Cold-cache reads from the guest's disk with fio (buffered, psync): sequential 16 KiB reads of the
// whole file, and 4 KiB random reads for a fixed time. The page cache is dropped before each run.
// Objective: MB/s. The knob that matters is the disk's read-ahead (read_ahead_kb).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { dropCaches, have, sh } from '../lib/proc.mjs';

function fio(args, timeoutS) {
  const r = sh(`fio --output-format=json --ioengine=psync --direct=0 --readonly --invalidate=1 ${args}`, { timeoutMs: timeoutS * 1000 });
  const j = JSON.parse(r.out.slice(r.out.indexOf('{')));
  const job = j.jobs[0];
  return { mbps: job.read.bw_bytes / 1e6, iops: job.read.iops };
}

function ensureFile(path, mb) {
  if (existsSync(path) && statSync(path).size === mb * 1048576) return;
  mkdirSync(dirname(path), { recursive: true });
  sh(`dd if=/dev/urandom of=${path} bs=1M count=${mb} status=none conv=fsync`, { timeoutMs: 600_000 });
}

/** Disk (sysfs name) holding `path`, for the notes. */
export function diskOf(path) {
  const src = sh(`findmnt -no SOURCE -T ${dirname(path)}`, { allowFail: true }).out;
  const dev = src.replace(/^\/dev\//, '');
  const parent = sh(`lsblk -no PKNAME /dev/${dev}`, { allowFail: true }).out.split('\n')[0];
  return parent || dev;
}

/** `kind` is 'seq' or 'rand'. */
export function readScenario(kind) {
  const seq = kind === 'seq';
  return {
    name: `read-${kind}`,
    title: seq ? 'sequential 16 KiB reads, cold cache (fio)' : 'random 4 KiB reads, cold cache (fio)',
    objectives: [{ key: 'mbps', label: seq ? 'sequential read' : 'random read', unit: 'MB/s', better: 'higher', digits: 1 }],
    cost: seq ? 75 : 25,
    warmKey: seq ? 'readWarmS' : 'randWarmS',
    tunedProfile: 'throughput-performance',
    tunedWhy: 'TuneD\'s broadly applicable server profile, whose [disk] plugin raises read-ahead to ≥ 4096 KiB',
    reference: seq ? "KML's learned read-ahead: up to 2.3× on sequential" : "KML's learned read-ahead: no loss on random",
    requires: () => ['fio', 'findmnt'].filter((b) => !have(b)),
    prepare(d) {
      ensureFile(d.readFile, d.readFileMb);
    },
    setup() {},
    // One continuous stream for the whole warm-up (one process: fio's start-up costs seconds under
    // TCG, and gaps would break the "for 15s" conditions of a rule): cold passes with dd for sequential,
    // one time-based fio run for random.
    async warmup(d) {
      if (seq) {
        // the loop ends after the pass running at the deadline (no orphaned dd reading into the measurement)
        sh(`end=$((SECONDS + ${d.readWarmS})); while [ $SECONDS -lt $end ]; do echo 3 > /proc/sys/vm/drop_caches; dd if=${d.readFile} of=/dev/null bs=16k status=none; done`, { timeoutMs: (d.readWarmS + 300) * 1000 });
      } else {
        dropCaches();
        fio(`--name=rand --filename=${d.readFile} --rw=randread --bs=4k --size=${d.readFileMb}M --time_based --runtime=${d.randWarmS}`, d.randWarmS + 120);
      }
    },
    run(d) {
      return seq
        ? fio(`--name=seq --filename=${d.readFile} --rw=read --bs=16k --size=${d.readFileMb}M`, 600)
        : fio(`--name=rand --filename=${d.readFile} --rw=randread --bs=4k --size=${d.readFileMb}M --time_based --runtime=${d.randMeasureS}`, d.randMeasureS + 120);
    },
    async measure(d) {
      dropCaches();
      const r = this.run(d);
      return { values: { mbps: r.mbps }, detail: { iops: Math.round(r.iops) } };
    },
    teardown() {},
  };
}

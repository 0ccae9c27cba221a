// The lab's scenarios, in run order, and the durations of each phase (full and --short).
import { cpuScenario } from '../scenarios/cpu.mjs';
import { memoryScenario } from '../scenarios/memory.mjs';
import { netScenario } from '../scenarios/net.mjs';
import { readScenario } from '../scenarios/read.mjs';
import { writebackScenario } from '../scenarios/writeback.mjs';

export const SCENARIOS = [netScenario(1), netScenario(10), readScenario('seq'), readScenario('rand'), memoryScenario, cpuScenario, writebackScenario];

/** Phase durations in seconds and workload sizes. The warm-up is the same for every configuration. */
export const DURATIONS = {
  // Each warm-up is long enough for the shipped rule that answers the scenario's problem to see it
  // (its `for` window), measure its objective before the change (4 windows of 5 s), apply the change
  // and let it settle (one window), with ~25 % slack for a 2-vCPU TCG guest on a shared host; the
  // measurement then runs with the change applied while the trial measures it. The same warm-up runs
  // in every configuration. (On a real server AINKA has minutes to hours; these are the floor.)
  full: {
    netWarmS: 75, netMeasureS: 10,
    readFileMb: 128, readWarmS: 55, randWarmS: 6, randMeasureS: 5,
    balloonMb: 384, balloonHotMb: 64, balloonStepMb: 8, balloonStepMs: 250, balloonPasses: 60,
    cpuHogs: 3, cpuWarmS: 50, cpuMeasureS: 8,
    burstMb: 512, wbWarmS: 45, wbMeasureS: 8,
    // settle (lib/settle.mjs): measure once the tuner has been quiet this long, at most this much extra warm-up
    settleQuietS: 20, settleCapS: 120, settleChunkS: 15,
  },
  short: {
    netWarmS: 5, netMeasureS: 5,
    readFileMb: 64, readWarmS: 3, randWarmS: 3, randMeasureS: 3,
    balloonMb: 128, balloonHotMb: 32, balloonStepMb: 8, balloonStepMs: 100, balloonPasses: 20,
    cpuHogs: 3, cpuWarmS: 5, cpuMeasureS: 5,
    burstMb: 256, wbWarmS: 5, wbMeasureS: 5,
    settleQuietS: 5, settleCapS: 15, settleChunkS: 5,
  },
};

/** Scenarios selected by name (all when `names` is empty); throws on an unknown name. */
export function selectScenarios(names) {
  if (!names || names.length === 0) return SCENARIOS;
  return names.map((n) => {
    const s = SCENARIOS.find((x) => x.name === n);
    if (!s) throw Object.assign(new Error(`unknown scenario "${n}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`), { code: 'ERR_AINKA_LAB_USAGE' });
    return s;
  });
}

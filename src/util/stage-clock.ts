// Wall and CPU time per pipeline stage, for the stage log lines and bench/pipeline.bench.ts.
// CPU is this process's (all its threads: the OCR worker included) plus its finished child processes'
// (ffmpeg), read from /proc where there is one.
import { readFileSync } from 'node:fs';

export interface StageTime {
  stage: string;
  wallMs: number;
  /** CPU of this process, all threads */
  cpuMs: number;
  /** CPU of child processes that ended during the stage (ffmpeg); 0 where /proc is missing */
  childCpuMs: number;
}

/** Clock ticks in ms: USER_HZ is 100 on Linux. */
const TICK_MS = 10;

/** user + system CPU of ended, waited-for children (ms): /proc/self/stat fields cutime and cstime. */
export function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the command name: state is field 3, cutime 16 and cstime 17 (1-based) → indexes 13, 14
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return 0;
  }
}

function snapshot() {
  const cpu = process.cpuUsage();
  return { wall: performance.now(), cpu: (cpu.user + cpu.system) / 1000, child: childCpuMs() };
}

/** Call `lap(name)` at the end of each stage; each call measures since the previous one. */
export function stageClock(onStage?: (t: StageTime) => void): (stage: string) => StageTime {
  let last = snapshot();
  return (stage) => {
    const now = snapshot();
    const t: StageTime = {
      stage,
      wallMs: Math.round(now.wall - last.wall),
      cpuMs: Math.round(now.cpu - last.cpu),
      childCpuMs: Math.round(now.child - last.child),
    };
    last = now;
    onStage?.(t);
    return t;
  };
}

/** The fields a stage's log line carries: wall ms, and CPU ms of this process and its children. */
export function timingFields(t: StageTime): { ms: number; cpuMs: number } {
  return { ms: t.wallMs, cpuMs: t.cpuMs + t.childCpuMs };
}

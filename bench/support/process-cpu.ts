import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * The live processes of process group `pgid`, each with the fields of its /proc/<pid>/stat that follow
 * the command name (field 3 of stat(5) first). The stack starts each service in a group of its own, so
 * the group is the service with any child it spawned.
 */
function groupProcesses(pgid: number): { pid: string; fields: string[] }[] {
  const processes: { pid: string; fields: string[] }[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // it ended between the listing and the read
    }
    // The command name may hold spaces and parentheses: the fields that matter follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) processes.push({ pid, fields });
  }
  return processes;
}

/**
 * CPU time, in milliseconds, used so far by every live process of process group `pgid` (user plus
 * system, all threads), read from /proc.
 *
 * NOTE: Linux only. A process of the group that has already exited no longer counts.
 */
export function groupCpuMs(pgid: number): number {
  const ticks = groupProcesses(pgid).reduce((sum, { fields }) => sum + Number(fields[11]) + Number(fields[12]), 0);
  return (ticks * 1000) / clockTicks();
}

/**
 * Resident memory, in MiB, of every live process of process group `pgid` together (`VmRSS` of
 * /proc/<pid>/status).
 *
 * NOTE: Linux only.
 */
export function groupRssMiB(pgid: number): number {
  let kib = 0;
  for (const { pid } of groupProcesses(pgid)) {
    try {
      kib += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // it ended meanwhile
    }
  }
  return kib / 1024;
}

/** CPU time of several named process groups, sampled together. */
export function sampleGroups(groups: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pgid]) => [name, groupCpuMs(pgid)]));
}

/** Per-group CPU use between two samples, as a percentage of one core. */
export function cpuPercent(
  before: Record<string, number>,
  after: Record<string, number>,
  elapsedMs: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((name) => [name, Math.round((100 * (after[name] - (before[name] ?? 0))) / elapsedMs)]),
  );
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverages(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

/** Cumulative CPU time of the whole machine, all cores, from /proc/stat, in clock ticks. */
export interface MachineCpu {
  busy: number;
  idle: number;
  steal: number;
}

/** Reads the machine-wide CPU counters (Linux). */
export function machineCpu(): MachineCpu {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** How busy the whole machine was between two readings, in percent of all its cores (steal shown apart). */
export function machineBusyPercent(before: MachineCpu, after: MachineCpu): { busy: number; steal: number } {
  const busy = after.busy - before.busy;
  const steal = after.steal - before.steal;
  const total = busy + steal + after.idle - before.idle;
  return total > 0
    ? { busy: Math.round((100 * busy) / total), steal: Math.round((100 * steal) / total) }
    : { busy: 0, steal: 0 };
}

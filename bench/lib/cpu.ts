/** CPU time of a process tree, from /proc (user + system, in seconds). */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function cpuSecondsOfTree(rootPid: number): number {
  let total = 0;
  const visit = (pid: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, and cutime + cstime: the CPU of children it has reaped (PostgreSQL's
      // backends that a pool closed after idling), which the live tree no longer shows.
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        for (const child of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
          visit(Number(child));
      }
    } catch {
      // exited
    }
  };
  visit(rootPid);
  return total;
}

/** CPU time of a process tree, from /proc (user + system, in seconds). */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function cpuSecondsOfTree(rootPid: number): number {
  let total = 0;
  const visit = (pid: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        for (const child of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(child));
      }
    } catch {
      // exited
    }
  };
  visit(rootPid);
  return total;
}

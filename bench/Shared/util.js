'use strict';
// Helpers shared by the Node benchmark drivers (bench/socketio, bench/scaleout): command-line options, percentiles,
// bounded waits, bounded concurrency and the CPU time of a process from /proc.
const { execSync } = require('node:child_process');
const fs = require('node:fs');

/** The value after `--name` on the command line, or the fallback. */
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** The p-th percentile (nearest rank) of an ascending array; null when it is empty. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The promise, or a rejection naming `what` after `ms` milliseconds. */
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Runs fn(item, index) for every item, at most `limit` at a time. */
async function forEachLimited(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

const clockTicks = (() => {
  try { return Number(execSync('getconf CLK_TCK').toString().trim()) || 100; } catch { return 100; }
})();

/** User + system CPU seconds of a live process (/proc/PID/stat); throws if it is gone. */
function procCpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

module.exports = { arg, percentile, withTimeout, forEachLimited, clockTicks, procCpuSeconds };

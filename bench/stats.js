"use strict";
/*
 * Small statistics and timing helpers for the benchmark runner: wall-clock
 * timing of a spawned command, and median / quartiles / min / max of samples.
 */
const { spawnSync } = require("node:child_process");

/** Runs a command to completion; returns its wall time in milliseconds and its outcome. */
function timeCommand(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Linear-interpolated quantile of sorted samples (the "type 7" rule spreadsheets use). */
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** "123 ms (IQR 120–130, min 118, max 140, n 15)" */
function describe(s, unit = "ms", digits = 0) {
  const f = (x) => x.toFixed(digits);
  return `${f(s.median)} ${unit} (IQR ${f(s.q1)}–${f(s.q3)}, min ${f(s.min)}, max ${f(s.max)}, n ${s.n})`;
}

module.exports = { timeCommand, quantile, summarize, describe };

"use strict";
/*
 * Reads a callgrind output file and attributes inclusive instruction counts
 * (event Ir) to calls: for every function, the calls made to it from outside
 * a given set of functions, how many there were and what they cost with
 * everything they called. This is the "inclusive cost per call" callgrind_annotate
 * shows, restricted to the calls the benchmark driver itself makes, so a
 * handler that calls another handler is not counted twice.
 *
 * Format: https://valgrind.org/docs/manual/cl-format.html (name compression
 * "(id) name", "calls=<count> <target position>" followed by a cost line
 * whose first field is the position and whose next is Ir).
 */
const fs = require("node:fs");

/**
 * @param {string} file callgrind.out.* path
 * @param {(callee: string) => boolean} wanted which callees to attribute
 * @param {(caller: string) => boolean} countCaller whether a call from this caller counts
 * @returns {Map<string, {calls: number, ir: number}>}
 */
function inclusivePerCall(file, wanted, countCaller) {
  const text = fs.readFileSync(file, "utf8");
  const names = new Map(); // "(id)" → name, shared by fn= and cfn=
  const resolve = (spec) => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec.trim());
    if (!m) return spec.trim();
    if (m[2] !== undefined) names.set(m[1], m[2]);
    return names.get(m[1]) ?? `(${m[1]})`;
  };
  const positions = (/^positions:\s*(.*)$/m.exec(text)?.[1] ?? "line").trim().split(/\s+/).length;
  const events = (/^events:\s*(.*)$/m.exec(text)?.[1] ?? "Ir").trim().split(/\s+/);
  const irIndex = positions + events.indexOf("Ir");
  if (events.indexOf("Ir") < 0) throw new Error(`${file}: no Ir event`);

  const out = new Map();
  let fn = "";
  let cfn = "";
  let pendingCalls = -1;
  for (const line of text.split("\n")) {
    if (pendingCalls >= 0) {
      const fields = line.trim().split(/\s+/);
      const ir = Number(fields[irIndex] ?? 0);
      if (wanted(cfn) && countCaller(fn)) {
        const entry = out.get(cfn) ?? { calls: 0, ir: 0 };
        entry.calls += pendingCalls;
        entry.ir += ir;
        out.set(cfn, entry);
      }
      pendingCalls = -1;
      continue;
    }
    if (line.startsWith("fn=")) fn = resolve(line.slice(3));
    else if (line.startsWith("cfn=")) cfn = resolve(line.slice(4));
    else if (line.startsWith("cfi=") || line.startsWith("cfl=") || line.startsWith("cob="))
      continue;
    else if (line.startsWith("calls=")) pendingCalls = Number(line.slice(6).trim().split(/\s+/)[0]);
  }
  return out;
}

module.exports = { inclusivePerCall };

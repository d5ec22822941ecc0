/*
 * BENCHMARKS.md from results.json: the machine, the targets, the method, what
 * keeps regcache fast, then one section per measurement (report-sections.ts).
 * Pure: results in, markdown out.
 */
import type { Results } from "./results";
import {
  callgrindSection,
  checkSection,
  generateSection,
  kernelSection,
  sizeSection,
  specSizeSection,
} from "./report-sections";

export function markdown(res: Results): string {
  return [
    ...header(res),
    ...method(res),
    ...whatKeepsItFast(),
    ...checkSection(res.check),
    ...generateSection(res.generate),
    ...sizeSection(res.size),
    ...callgrindSection(res.callgrind),
    ...kernelSection(res.kernel),
    ...specSizeSection(res.specSize),
  ].join("\n");
}

function header(res: Results): string[] {
  const m = res.machine;
  const L = [
    "# regcache benchmarks",
    "",
    `Produced by \`npm run bench\` (bench/run.ts) on ${res.date}; raw samples in \`bench/results.json\`.`,
    "Do not edit by hand: rerun the benchmark.",
    "",
    "## Machine",
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| node | ${m.node} |`,
    `| gcc | ${m.gcc} |`,
    `| clang | ${m.clang} |`,
    `| valgrind | ${m.valgrind} |`,
    `| load average at start | ${m.loadAverageAtStart.join(", ")} |`,
    "",
  ];
  const carried = (["check", "generate", "size", "callgrind", "kernel"] as const).flatMap((p) => {
    const part = res[p];
    return part && "carriedFrom" in part && part.carriedFrom ? [`${p} (${part.carriedFrom})`] : [];
  });
  if (carried.length > 0)
    L.push(
      `Measured in separate runs (--only, or bench/kernel-measure.ts merged with --kernel-result): ${carried.join(", ")}.`,
      "",
    );
  L.push("## Targets", "", "| target | measured | limit | result |", "|---|---|---|---|");
  for (const t of res.targets)
    L.push(`| ${t.name} | ${t.measured} | ${t.limit} | ${t.pass ? "pass" : "**FAIL**"} |`);
  L.push("");
  return L;
}

function method(res: Results): string[] {
  const k = res.callgrind;
  return [
    "## Method",
    "",
    "- Wall-clock times of spawned commands (`node bin/regcache.js …`, the same thing `npx regcache` runs), measured with `process.hrtime` around `spawnSync`, after one warm-up run each. Figures are medians; the spread is the interquartile range (IQR) and min / max.",
    "- Commands that are compared are interleaved (alternating order), so a slow phase of a shared machine hits both sides alike; ratios are ratios of medians.",
    `- \`generate\` runs each time into a fresh, empty output directory (nothing to reuse), over synthetic specs made by \`bench/synth-spec.ts\` (seed ${res.generate.seed}; 4 backends alternating \`lazy\` and \`available\` lists, \`mask: bitmap\`, a quarter of the registers (at least 16) gprs, gprs 8–15 and runs of other registers guarded, few gprs but many extended registers lazy, some docs) and over the default spec, ${res.generate.spec ?? "spec/x86-kvm.yaml"}.`,
    "- `size` is the default matrix on the default spec (`regcache size`, all configs the machine can run, spec vs --all-cached, the handler suite of the spec's shape), report as JSON to a file.",
    `- Instructions per handler call: a handler suite's behaviour-test driver (each case is vm_exit → handler → vm_enter on the simulated backend), its simulator and driver built against a spec's headers and its handlers once against those and once against the spec's --all-cached headers, run under \`valgrind --tool=callgrind\` for ${k.available ? k.cases : "-"} seeded cases per handler and backend, built with \`gcc ${k.available ? k.flags.join(" ") : ""}\`. ${k.available ? `Specs and suites: ${k.suites.map((s) => `${s.spec} (${s.shape}) with ${s.runtime}`).join("; ")}. ` : ""}A handler's figure is the inclusive Ir (its own instructions plus everything it calls, cache_reg included) of the driver's calls to it, divided by the number of those calls; the same cases run against both builds.`,
    "",
  ];
}

function whatKeepsItFast(): string[] {
  return [
    "## What keeps it fast",
    "",
    "- `check` (and a `generate` with nothing to do) takes a target's files on disk as they are when the output cache outside the project (generator/generate/output-cache.ts: `$REGCACHE_OUTPUT_CACHE_DIR`, else `$XDG_CACHE_HOME/regcache/outputs`, else `~/.cache/regcache/outputs`) records their bodies for this run's inputs (the target's input hash: spec, options, its templates or tools, the generator's version and code) and each file is this request's banner over that body, intact: the spec is read and hashed but not parsed, and ajv, Handlebars, ts-morph and prettier are never loaded (generator/generate/produce.ts `reusable`). yaml loads only to read the project file, regcache.config.yaml, when there is one. With an empty cache `check` produces every file and compares (the empty-cache row below); that run fills the cache.",
    "- yaml, Handlebars and ajv load on first use; the schema validator is ajv standalone code compiled by `npm run build` (scripts/compile-schema.js), used while its schema hash matches the schema on disk; Handlebars templates compile once per process.",
    "- The TypeScript target is printed in prettier's style by its builders (a list on one line exactly when prettier would put it there, the enum's trailing comma, two-space indent), so prettier is neither loaded nor run unless a printed line is longer than printWidth (it takes a register or backend name of dozens of characters) or a doc comment holds a tab or a trailing blank (generator/targets/ts/emit.ts). tests/unit/targets/ts/structures.test.ts holds the printed text to prettier's output on the checked-in specs, synthetic specs up to 1,000 registers, random specs with hostile docs and long names, and lists at the printWidth boundary.",
    "- When prettier does run, it is given the `babel-ts` parser and the file's path (the `typescript` parser, without a path, guesses TSX with a regular expression quadratic in the file's length: 7 s of 10 at 4,000 registers).",
    "- Known growth: in a bitmap mask a guarded register's bit is listed in every word its enum value can fall in (guards before it shift it), so `kvm_regs.h` grows faster than the register count when many guarded registers precede others (the output bytes in the generate table below).",
    "",
  ];
}

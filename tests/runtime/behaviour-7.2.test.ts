/*
 * The Linux 7.2 handler suite's behaviour test: runtime/test/driver_7.2.c
 * runs every function of runtime/handlers/7.2/handlers.json on the 7.2
 * simulator (runtime/sim/7.2/: VMX, SVM, and TDX for the functions a TD
 * vCPU reaches) on seeded random cases whose input includes the guest's
 * mode (EFER.LMA, CS.L) and protected state, built against the c output of
 * spec/x86-kvm.yaml.
 *
 *   - gcc, CONFIG_X86_64 on and off: a build of the suite against the
 *     spec's headers and one against the --all-cached headers (one
 *     simulator, against the spec's headers), both clean, with identical
 *     result and cache_reg digests;
 *   - clang (when installed), cache_reg as a static call, and ASan+UBSan,
 *     each CONFIG_X86_64 against the spec's headers: clean, and (but for
 *     the sanitizers, whose digests are not compared) the same digests as
 *     gcc's build through the ops pointer;
 *   - mutations of the spec's headers (or, for TDX, of the spec), each
 *     built on both sides and required to fail with the kind of failure the
 *     simulator gives it: a masked read that does not mask, a _read_raw that
 *     masks, a 32-bit write that keeps the high half, RIP read from regs[],
 *     a mark-for-reload that keeps the dirty or the available bit (the
 *     simulator's nested_svm_load_cr3 marks the PDPTRs for reload, as 7.2's
 *     does with nested NPT and PAE paging), and a TDX read outside TDX's available set (a spec whose set lacks
 *     RCX: ECX is then read through the cache, and cache_reg on a TD is the
 *     fill 7.2's vt_cache_reg refuses).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildDriver72,
  casesPerHandler,
  compilers,
  root,
  runDriver,
  runtimeDir,
  seed,
  tempDir,
  writeHeaders,
  type BuildConfig,
  type DriverRun,
} from "./c-build";

const fixture = path.join(root, "spec", "x86-kvm.yaml");
const slow = 300_000;

function manifestFunctions(): string[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(runtimeDir, "handlers", "7.2", "handlers.json"), "utf8"),
  ) as { files: Record<string, string[]> };
  return Object.values(manifest.files).flat().sort();
}

interface Headers {
  readonly dir: string;
  readonly spec: string;
  readonly allCached: string;
}

function headers(): Headers {
  const dir = tempDir("behaviour-7.2");
  return {
    dir,
    spec: writeHeaders(path.join(dir, "spec-headers"), fixture),
    allCached: writeHeaders(path.join(dir, "all-cached-headers"), fixture, true),
  };
}

async function build(
  h: Headers,
  name: string,
  cfg: BuildConfig,
  handlerHeaders: string,
  simHeaders = h.spec,
  extraFlags: readonly string[] = [],
): Promise<DriverRun> {
  const exe = await buildDriver72(
    cfg,
    simHeaders,
    handlerHeaders,
    path.join(h.dir, name),
    extraFlags,
  );
  return runDriver(exe);
}

const digests = (run: DriverRun) =>
  run.backends.map((b) => ({ backend: b.backend, results: b.results, cache_reg: b.cache_reg }));

function expectClean(run: DriverRun, what: string): void {
  const failures = run.backends.filter((b) => b.failures > 0);
  expect({ what, exit: run.code, failures, stderr: run.stderr }).toEqual({
    what,
    exit: 0,
    failures: [],
    stderr: "",
  });
}

const { gcc, clang } = compilers();

describe.each([true, false])("gcc, CONFIG_X86_64=%s", (x86_64) => {
  test(
    "every 7.2 function on vmx, svm and tdx: checks pass, spec and --all-cached builds agree",
    async () => {
      const h = headers();
      const cfg = { cc: gcc, x86_64 };
      const [spec, allCached] = await Promise.all([
        build(h, "spec", cfg, h.spec),
        build(h, "all-cached", cfg, h.allCached),
      ]);
      expectClean(spec, "spec headers");
      expectClean(allCached, "--all-cached headers");

      const functions = manifestFunctions();
      expect(BigInt(spec.header.seed)).toBe(BigInt(seed));
      expect([...spec.header.handlers].sort()).toEqual(functions);
      expect(spec.backends.map((b) => b.backend)).toEqual(["vmx", "svm", "tdx"]);
      const [vmx, svm, tdx] = spec.backends;
      for (const b of [vmx, svm]) {
        expect(b.handlers).toBe(functions.length);
        expect(b.cases).toBe(functions.length * casesPerHandler);
      }
      // TDX runs what a TD vCPU reaches: fewer functions, but some.
      expect(tdx.handlers).toBeGreaterThan(0);
      expect(tdx.handlers).toBeLessThan(functions.length);
      expect(tdx.cases).toBe(tdx.handlers * casesPerHandler);

      expect(digests(allCached)).toEqual(digests(spec));
    },
    slow,
  );
});

const others: [string, BuildConfig | undefined][] = [
  ["clang", clang && { cc: clang, x86_64: true }],
  ["cache_reg as a static call", { cc: gcc, x86_64: true, staticCall: true }],
  ["ASan+UBSan", { cc: gcc, x86_64: true, sanitize: true }],
];

test.each(others)(
  "%s: checks pass, the same digests as gcc through the ops pointer",
  async (name, cfg) => {
    if (!cfg) return; // clang is not installed
    const h = headers();
    const [base, other] = await Promise.all([
      build(h, "base", { cc: gcc, x86_64: true }, h.spec),
      build(h, name.replace(/[^a-z]+/gi, "-"), cfg, h.spec),
    ]);
    expectClean(other, name);
    if (!cfg.sanitize) expect(digests(other)).toEqual(digests(base));
  },
  slow,
);

interface Mutation {
  /** The generated header and a text in it, with its replacement. */
  readonly header?: { file: string; from: string | RegExp; to: string };
  /** A change of the spec's text instead. */
  readonly spec?: { from: string; to: string };
  /** The failure kind the simulator must report. */
  readonly kind: string;
}

const mutations: [string, Mutation][] = [
  [
    "a masked read that does not mask",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: /return vcpu->arch\.regs\[VCPU_REGS_##uname\] & kvm_reg_mode_mask\(vcpu\);/,
        to: "return vcpu->arch.regs[VCPU_REGS_##uname];",
      },
      kind: "value",
    },
  ],
  [
    "a _read_raw that masks",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: /(kvm_##lname##_read_raw\(struct kvm_vcpu \*vcpu\)[^{]*\{[^r]*)return vcpu->arch\.regs\[VCPU_REGS_##uname\];/,
        to: "$1return vcpu->arch.regs[VCPU_REGS_##uname] & kvm_reg_mode_mask(vcpu);",
      },
      kind: "value",
    },
  ],
  [
    "a 32-bit write that keeps the high half",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: /(kvm_e##lname##_write\(struct kvm_vcpu \*vcpu, u32 val\)[^{]*\{[^v]*)vcpu->arch\.regs\[VCPU_REGS_##uname\] = val;/,
        to: "$1vcpu->arch.regs[VCPU_REGS_##uname] = (vcpu->arch.regs[VCPU_REGS_##uname] & ~0xffffffffUL) | val;",
      },
      kind: "value",
    },
  ],
  [
    "RIP read from regs[]",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: "\treturn vcpu->arch.rip;\n",
        to: "\treturn ((unsigned long *)vcpu->arch.regs)[VCPU_REG_RIP];\n",
      },
      kind: "value",
    },
  ],
  [
    "a mark-for-reload that keeps the dirty bit",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: /(kvm_register_mark_for_reload\([^{]*\{[^}]*?__clear_bit\(reg, vcpu->arch\.regs_avail\);)\s*__clear_bit\(reg, vcpu->arch\.regs_dirty\);/,
        to: "$1",
      },
      kind: "value",
    },
  ],
  [
    "a mark-for-reload that keeps the available bit",
    {
      header: {
        file: "kvm_cache_regs.h",
        from: /(kvm_register_mark_for_reload\([^{]*\{[^}]*?)__clear_bit\(reg, vcpu->arch\.regs_avail\);/,
        to: "$1",
      },
      kind: "value",
    },
  ],
  [
    "a TDX read outside the available set (RCX left out of the spec's tdx list)",
    {
      spec: { from: "available: [rax, rbx, rcx, ", to: "available: [rax, rbx, " },
      kind: "tdx-fill",
    },
  ],
];

test.each(mutations)(
  "mutation: %s fails the run",
  async (_name, m) => {
    const h = headers();
    let mutated: string;
    if (m.spec) {
      const text = fs.readFileSync(fixture, "utf8");
      expect(text).toContain(m.spec.from);
      const specPath = path.join(h.dir, "mutated.yaml");
      fs.writeFileSync(specPath, text.replace(m.spec.from, m.spec.to));
      mutated = writeHeaders(path.join(h.dir, "mutated-headers"), specPath);
    } else {
      const { file, from, to } = m.header!;
      mutated = writeHeaders(path.join(h.dir, "mutated-headers"), fixture);
      const target = path.join(mutated, "c", file);
      const text = fs.readFileSync(target, "utf8");
      const changed = text.replace(from, to);
      expect(changed).not.toBe(text);
      fs.writeFileSync(target, changed);
    }
    // RIP read past regs[] is what the mutation does; let it compile.
    const run = await build(h, "mutated", { cc: gcc, x86_64: true }, mutated, mutated, [
      "-Wno-array-bounds",
    ]);
    expect(run.code).toBe(1);
    const byKind = Object.fromEntries(run.backends.map((b) => [b.backend, b.by_kind[m.kind] ?? 0]));
    expect(Object.values(byKind).some((n) => n > 0)).toBe(true);
  },
  slow,
);

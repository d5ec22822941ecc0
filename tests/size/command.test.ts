/*
 * `regcache size` end to end, on the real handler suites and specs: the seed's
 * direction (kvm_emulate_cpuid shrinks ≥ 35% and the hypercall handler
 * shrinks on every config that ran) for the default spec in Linux 7.2's shape
 * and for spec/x86-kvm-6.12.yaml, the report's numbers against
 * `nm --size-sort` on the --keep objects, budgets' exit codes, --base git:HEAD,
 * and skipped compilers. One full-matrix run is shared; the rest use gcc-O2.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run as runSize } from "../../generator/cli/commands/size";
import { runCli, repoRoot } from "../helpers/capture";
import { findClang, nmSizeSortOf, fileTempDir } from "./helpers";

interface JsonFunction {
  name: string;
  base: number | null;
  head: number | null;
  delta: number;
}
interface JsonConfig {
  name: string;
  functions: JsonFunction[];
  total: { base: number; head: number; delta: number };
}

const work = fileTempDir("size-cmd");
const keep = path.join(work, "keep");
type Run = { code: number; stdout: string; stderr: string };
let full: Run;
let report: { configs: JsonConfig[]; skipped: { name: string; hint: string }[] };
let full612: Run;
let report612: typeof report;

// Each full matrix is 4 configs × 2 sides × the suite: allow for a busy CI machine.
beforeAll(async () => {
  full = await runCli(["size", "--format", "json", "--keep", keep]);
  report = JSON.parse(full.stdout);
  full612 = await runCli(["size", "--spec", "spec/x86-kvm-6.12.yaml", "--format", "json"]);
  report612 = JSON.parse(full612.stdout);
}, 600_000);

const fnOf = (config: JsonConfig, name: string) => config.functions.find((f) => f.name === name)!;

/**
 * The default spec (Linux 7.2's shape) on runtime/handlers/7.2/, where the
 * hypercall handler is ____kvm_emulate_hypercall, and the 6.12-shaped spec on
 * runtime/handlers/, where it is kvm_emulate_hypercall.
 */
const seedCases = [
  {
    spec: "spec/x86-kvm.yaml (the default)",
    run: () => full,
    report: () => report,
    handlers: ["runtime", "handlers", "7.2", "handlers.json"],
    hypercall: "____kvm_emulate_hypercall",
  },
  {
    spec: "spec/x86-kvm-6.12.yaml",
    run: () => full612,
    report: () => report612,
    handlers: ["runtime", "handlers", "handlers.json"],
    hypercall: "kvm_emulate_hypercall",
  },
];

describe.each(seedCases)("the seed's result on $spec against all-cached", (c) => {
  test("ran gcc (and clang when installed); missing compilers skipped with a hint", () => {
    expect(c.run().code).toBe(0);
    const ran = c.report().configs.map((config) => config.name);
    expect(ran).toEqual(expect.arrayContaining(["gcc-O2", "gcc-O2-retpoline"]));
    if (findClang())
      expect(ran).toEqual(expect.arrayContaining(["clang-O2", "clang-O2-retpoline"]));
    else expect(c.report().skipped.map((s) => s.hint)).toContain("apt-get install -y clang-19");
    process.stdout.write(`size matrix ran: ${ran.join(", ")}\n`);
  });

  test("every handler the suite's handlers.json lists is measured on both sides, and nothing warns", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, ...c.handlers), "utf8")) as {
      files: Record<string, string[]>;
    };
    const handlers = Object.values(manifest.files).flat();
    expect(handlers.length).toBeGreaterThanOrEqual(19);
    for (const config of c.report().configs) {
      const measuredBoth = config.functions
        .filter((f) => f.base !== null && f.head !== null)
        .map((f) => f.name);
      expect([config.name, measuredBoth]).toEqual([config.name, expect.arrayContaining(handlers)]);
    }
    expect(c.run().stderr).not.toContain("warning");
  });

  test("kvm_emulate_cpuid shrinks by at least 35% and the hypercall handler shrinks, on every config", () => {
    for (const config of c.report().configs) {
      const cpuid = fnOf(config, "kvm_emulate_cpuid");
      const hypercall = fnOf(config, c.hypercall);
      expect({ config: config.name, cpuidShrink: cpuid.delta / cpuid.base! <= -0.35 }).toEqual({
        config: config.name,
        cpuidShrink: true,
      });
      expect({ config: config.name, hypercallShrinks: hypercall.delta < 0 }).toEqual({
        config: config.name,
        hypercallShrinks: true,
      });
    }
  });
});

describe("--keep objects reproduce every figure", () => {
  /** bloat-o-meter on nm's own output, written independently of generator/size. */
  function bloatSizes(dir: string): Map<string, number> {
    const sums = new Map<string, number>();
    const objects = fs.readdirSync(dir).filter((f) => f.endsWith(".o"));
    expect(objects.length).toBeGreaterThan(0);
    for (const s of nmSizeSortOf(...objects.map((f) => path.join(dir, f)))) {
      if (!"tTdDbBrRvVwW".includes(s.letter)) continue;
      const name = s.name.replace(/\.[0-9]+/g, "");
      sums.set(name, (sums.get(name) ?? 0) + s.size);
    }
    return sums;
  }

  test("the report's base and head sizes equal nm --size-sort on DIR/<config>/{base,head}/*.o", () => {
    for (const config of report.configs) {
      for (const side of ["base", "head"] as const) {
        const nm = bloatSizes(path.join(keep, config.name, side));
        const ours = new Map(
          config.functions.filter((f) => f[side] !== null).map((f) => [f.name, f[side]!]),
        );
        expect([config.name, side, ours]).toEqual([config.name, side, nm]);
        const total = [...nm.values()].reduce((a, b) => a + b, 0);
        expect(config.total[side]).toBe(total);
      }
    }
  });

  test("DIR/<config>/commands.sh rebuilds the same objects", () => {
    const script = path.join(keep, "gcc-O2", "commands.sh");
    const before = nmSizeSortOf(path.join(keep, "gcc-O2", "head", "cpuid.o"));
    fs.rmSync(path.join(keep, "gcc-O2", "head"), { recursive: true });
    execFileSync("sh", [script], { stdio: "pipe" });
    expect(nmSizeSortOf(path.join(keep, "gcc-O2", "head", "cpuid.o"))).toEqual(before);
    expect(fs.readFileSync(script, "utf8")).toContain("-mcmodel=kernel");
  });
});

describe("budgets", () => {
  const budget = (name: string, text: string) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test("a breach exits 1 and lists every breach", async () => {
    const file = budget(
      "tight.yaml",
      "budgets:\n  - function: kvm_emulate_cpuid\n    max: 10\n  - function: '*_interception'\n    max: 10\n",
    );
    const r = await runCli(["size", "--config", "gcc-O2", "--budget", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("budget breach: gcc-O2: kvm_emulate_cpuid: head ");
    const listed = r.stderr.split("\n").filter((l) => l.includes("budget breach"));
    // kvm_emulate_cpuid, invlpga_interception, skinit_interception (runtime/handlers/7.2/).
    expect(listed.length).toBeGreaterThanOrEqual(1 + 2);
    expect(r.stdout).toContain("breaches");
  });

  test("a budget the spec keeps exits 0", async () => {
    const file = budget(
      "ok.json",
      JSON.stringify({
        budgets: [
          { function: "kvm_emulate_cpuid", growth: "-35%" },
          { total: true, growth: 0 },
        ],
      }),
    );
    const r = await runCli([
      "size",
      "--config",
      "gcc-O2",
      "--budget",
      file,
      "--format",
      "markdown",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Within every limit.");
  });

  test("a missing budget file exits 2", async () => {
    const r = await runCli(["size", "--budget", path.join(work, "no-such-budget.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-budget\.yaml: error RC600: cannot read .*: ENOENT/);
  });

  test("a bad budget file exits 2 before compiling anything", async () => {
    const file = budget("bad.yaml", "budgets:\n  - function: kvm_emulate_cpuid\n    max: lots\n");
    const r = await runCli(["size", "--budget", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml:3:10: error RC605: 'lots' is not a size limit");
  });
});

describe("--base git:REV[:PATH]", () => {
  test("compares against the spec as committed, leaving the working tree alone", async () => {
    const repo = path.join(work, "repo");
    fs.mkdirSync(repo);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    git("init", "-q");
    const spec = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), "utf8");
    fs.writeFileSync(path.join(repo, "kvm.yaml"), spec);
    git("add", "kvm.yaml");
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "spec");
    // The change under review: VMX starts loading RAX lazily.
    const changed = spec.replace("lazy: [rip, rsp,", "lazy: [rax, rip, rsp,");
    expect(changed).not.toBe(spec);
    fs.writeFileSync(path.join(repo, "kvm.yaml"), changed);

    const r = await runCli(
      [
        "size",
        "--spec",
        "kvm.yaml",
        "--base",
        "git:HEAD",
        "--config",
        "gcc-O2",
        "--format",
        "json",
      ],
      { cwd: repo },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.base).toBe("git:HEAD:kvm.yaml");
    const cpuid = fnOf(json.configs[0], "kvm_emulate_cpuid");
    expect(cpuid.delta).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(repo, "kvm.yaml"), "utf8")).toBe(changed);
    expect(git("status", "--porcelain")).toBe(" M kvm.yaml\n");

    const same = await runCli(
      [
        "size",
        "--spec",
        "kvm.yaml",
        "--base",
        "git:HEAD:kvm.yaml",
        "--config",
        "gcc-O2",
        "--format",
        "json",
      ],
      { cwd: repo },
    );
    expect(JSON.parse(same.stdout).configs[0].total.delta).toBe(json.configs[0].total.delta);

    const bad = await runCli(
      ["size", "--spec", "kvm.yaml", "--base", "git:no-such-rev", "--config", "gcc-O2"],
      { cwd: repo },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error RC616: git cannot show no-such-rev:kvm.yaml");
  });
});

describe("missing compilers and output", () => {
  const configFile = () => {
    const file = path.join(work, "configs.yaml");
    fs.writeFileSync(
      file,
      "configs:\n  - { name: ghost, compiler: clang, command: no-such-compiler-regcache }\n",
    );
    return file;
  };

  test("only missing compilers: exit 3 with the install hint", async () => {
    const r = await runCli(["size", "--config-file", configFile(), "--config", "ghost"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "skipping ghost: no-such-compiler-regcache not found (install: apt-get install -y clang-19)",
    );
  });

  test("a missing compiler beside a present one: skipped, reported, exit 0; --out writes html", async () => {
    const out = path.join(work, "out", "size.html");
    const r = await runCli([
      "size",
      "--config-file",
      configFile(),
      "--config",
      "ghost,gcc-O2",
      "--format",
      "html",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, "utf8");
    expect(html).toContain("Skipped <b>ghost</b>");
    expect(html).toContain("kvm_emulate_cpuid");
  });

  test("text on a non-TTY has no colour even without NO_COLOR", async () => {
    const r = await runCli(["size", "--config", "gcc-O2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stderr).not.toContain("compiled");
    expect(r.stdout).toMatch(
      /^add\/remove: \d+\/\d+ grow\/shrink: \d+\/\d+ up\/down: \d+\/-\d+ \(-?\d+\)$/m,
    );
  });

  test("an invalid spec exits 2 with the core's diagnostics, before any compile", async () => {
    const spec = fs
      .readFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), "utf8")
      .replace("lazy: [pdptr]", "lazy: [pdptrr]");
    fs.writeFileSync(path.join(work, "typo.yaml"), spec);
    const r = await runCli(["size", "--spec", "typo.yaml"], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^typo\.yaml:\d+:\d+: error RC104: unknown register 'pdptrr'/m);
  });

  test.each([
    ["--base", "git:"],
    ["--compiler", "icc"],
    ["--config", "gcc-O9"],
  ])("bad %s %s exits 2", async (flag, value) => {
    const r = await runCli(["size", flag, value]);
    expect(r.code).toBe(2);
  });
});

describe("colour follows stdout's terminal (and NO_COLOR), the progress line stderr's", () => {
  const runWith = async (isTTY: boolean, stderrIsTTY: boolean, env: NodeJS.ProcessEnv) => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: (t: string) => void (stdout += t),
      stderr: (t: string) => void (stderr += t),
      isTTY,
      isErrTTY: stderrIsTTY,
      env,
      cwd: repoRoot,
    };
    const code = await runSize(
      { spec: "spec/x86-kvm-6.12.yaml", base: "all-cached", format: "text", config: ["gcc-O2"] },
      io,
    );
    return { code, stdout, stderr };
  };
  test.each([
    ["both terminals", true, true, {}, true],
    ["both terminals with NO_COLOR=1", true, true, { NO_COLOR: "1" }, false],
    ["stderr a terminal, stdout piped", false, true, {}, false],
    ["stdout a terminal, stderr redirected", true, false, {}, true],
  ])("%s", async (_name, isTTY, stderrIsTTY, env, coloured) => {
    const r = await runWith(isTTY, stderrIsTTY, env);
    expect(r.code).toBe(0);
    expect(r.stdout.includes("\x1b[")).toBe(coloured);
    // One compile per handler file and side, counted on one line that is cleared at the end.
    const manifest = JSON.parse(
      fs.readFileSync(path.join(repoRoot, "runtime", "handlers", "handlers.json"), "utf8"),
    ) as { files: Record<string, string[]> };
    const total = Object.keys(manifest.files).length * 2;
    if (stderrIsTTY) {
      expect(r.stderr).toContain(`\r\x1b[Kregcache size: [${total - 1}/${total}]`);
      expect(r.stderr).toMatch(/\r\x1b\[K$|\r\x1b\[K(?!regcache size: \[)regcache size: /);
      expect(r.stderr).not.toContain(`[${total}/${total}]`);
    } else expect(r.stderr).not.toContain("\r");
  });
});

/*
 * --out, --keep and the spec's registers are checked before any compile (a bad --out used to fail
 * only after every compile), and --keep never mixes an old run's files with a
 * new run's: a directory an earlier --keep run filled is cleared of what that
 * run recorded; any other non-empty directory is refused. The checks
 * themselves are tested in tests/unit/size/inputs/output.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers/capture";
import { fileTempDir } from "./helpers";

const work = fileTempDir("size-output");

describe("the size command checks them before compiling", () => {
  test.each([
    ["--out naming a directory", () => ["--out", work], /--out .* is a directory/],
    [
      "--keep naming a used directory",
      () => {
        const used = path.join(work, "used");
        fs.mkdirSync(used, { recursive: true });
        fs.writeFileSync(path.join(used, "x.o"), "");
        return ["--keep", used];
      },
      /not empty and was not written by regcache size/,
    ],
  ])("%s: exit 2, no compile", async (_name, extra, message) => {
    const r = await runCli(["size", "--config", "gcc-O2", ...extra()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/compiled|compile failed/);
  });

  test("a second --keep run into the same directory replaces the first run's files", async () => {
    const keep = path.join(work, "rerun");
    const first = await runCli(["size", "--config", "gcc-O2", "--keep", keep, "--format", "json"]);
    expect(first.code).toBe(0);
    const stray = path.join(keep, "gcc-O2", "head", "stale.o");
    fs.writeFileSync(stray, "from an earlier run");
    const second = await runCli(["size", "--config", "gcc-O2", "--keep", keep, "--format", "json"]);
    expect(second.code).toBe(0);
    expect(fs.existsSync(stray)).toBe(false);
    expect(fs.readdirSync(path.join(keep, "gcc-O2", "head")).some((f) => f.endsWith(".o"))).toBe(
      true,
    );
    expect(second.stdout).toBe(first.stdout);
  }, 120_000);
});

describe("a spec without a register the handler suite uses", () => {
  test("exit 2 naming the register and the call, before any compile", async () => {
    const spec = fs
      .readFileSync(path.join(__dirname, "..", "..", "spec", "x86-kvm-6.12.yaml"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "- rbp")
      .map((line) => line.replace("rdx, rbp, rsi", "rdx, rsi"))
      .join("\n");
    expect(spec).not.toMatch(/\brbp\b/);
    const file = path.join(work, "no-rbp.yaml");
    fs.writeFileSync(file, spec);
    const r = await runCli(["size", "--spec", file, "--config", "gcc-O2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error RC619:");
    expect(r.stderr).toContain("has no register 'rbp', which the handler suite uses");
    expect(r.stderr).toMatch(/runtime\/handlers\/regs_ioctl\.c:\d+:\d+ calls kvm_rbp_read/);
    expect(r.stderr).not.toMatch(/implicit declaration|compile failed/);
    // Said once: the all-cached base is the same spec.
    expect(r.stderr.match(/RC619/g)).toHaveLength(1);
  });

  test("in Linux 7.2's shape: the 7.2 suite's raw-pair call is named, exit 2, before any compile", async () => {
    const spec = fs
      .readFileSync(path.join(__dirname, "..", "..", "spec", "x86-kvm.yaml"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "- rbp")
      .map((line) => line.replace("rdx, rbp, rsi", "rdx, rsi"))
      .join("\n");
    expect(spec).not.toMatch(/\brbp\b/);
    const file = path.join(work, "no-rbp-7.2.yaml");
    fs.writeFileSync(file, spec);
    const r = await runCli(["size", "--spec", file, "--config", "gcc-O2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has no register 'rbp', which the handler suite uses");
    expect(r.stderr).toMatch(/runtime\/handlers\/7\.2\/regs\.c:\d+:\d+ calls kvm_rbp_read_raw/);
    expect(r.stderr).not.toMatch(/implicit declaration|compile failed/);
    expect(r.stderr.match(/error RC\d+/g)).toEqual(["error RC619"]);
  });

  test("in Linux 7.2's shape with rcx but no 32-bit pair for it: RC622 names the pair, exit 2", async () => {
    const original = fs.readFileSync(
      path.join(__dirname, "..", "..", "spec", "x86-kvm.yaml"),
      "utf8",
    );
    const spec = original.replace(
      "e_pair: [rax, rbx, rcx, rdx, rbp, rsi, rdi]",
      "e_pair: [rax, rbx, rdx, rbp, rsi, rdi]",
    );
    expect(spec).not.toBe(original);
    const file = path.join(work, "no-ecx-7.2.yaml");
    fs.writeFileSync(file, spec);
    const r = await runCli(["size", "--spec", file, "--config", "gcc-O2"]);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/error RC\d+/g)).toEqual(["error RC622"]);
    expect(r.stderr).toMatch(
      /generates no 32-bit pair for 'rcx', which the handler suite uses \(runtime\/handlers\/7\.2\/\S+\.c:\d+:\d+ calls kvm_ecx_(read|write)\)/,
    );
    expect(r.stderr).toContain("list 'rcx' in the spec's api.e_pair");
  });

  test("a base spec without it is named as the base", async () => {
    const file = path.join(work, "no-rbp.yaml");
    const r = await runCli([
      "size",
      "--spec",
      "spec/x86-kvm-6.12.yaml",
      "--base",
      file,
      "--config",
      "gcc-O2",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} has no register 'rbp'`);
  });
});

describe("--out when writing the report fails", () => {
  const isTemporary = (p: fs.PathLike) => path.basename(String(p)).includes(".atomic-");
  afterEach(() => jest.restoreAllMocks());

  test("ENOSPC part-way through, or EIO on the rename: exit 3, the previous report kept whole, no temporary left", async () => {
    const dir = path.join(work, "report");
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(dir, "size.json");
    const args = ["size", "--config", "gcc-O2", "--format", "json", "--out", out];
    expect((await runCli(args)).code).toBe(0);
    const previous = fs.readFileSync(out, "utf8");
    expect(previous.length).toBeGreaterThan(100);

    // The module object itself (an `import *` binding is a read-only copy): util/atomic-file sees these.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require("node:fs") as typeof fs;
    // A disk that fills after 10 bytes of the new report.
    const realOpen = fs.openSync;
    const realWrite = fs.writeSync;
    const temporaries = new Set<number>();
    jest.spyOn(nodeFs, "openSync").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      const fd = (realOpen as (...a: unknown[]) => number)(p, ...rest);
      if (isTemporary(p)) temporaries.add(fd);
      return fd;
    }) as typeof fs.openSync);
    jest.spyOn(nodeFs, "writeSync").mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (!temporaries.has(fd)) return (realWrite as (...a: unknown[]) => number)(fd, ...rest);
      const [buf, off] = rest as [Buffer, number];
      if (fs.fstatSync(fd).size >= 10) {
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
          syscall: "write",
        });
      }
      return realWrite(fd, buf, off, 10);
    }) as typeof fs.writeSync);
    const full = await runCli(args);
    expect(full.code).toBe(3);
    expect(full.stderr).toMatch(/cannot write .*size\.json: no space left on device \(ENOSPC\)/);
    expect(fs.readFileSync(out, "utf8")).toBe(previous);
    expect(fs.readdirSync(dir)).toEqual(["size.json"]);
    jest.restoreAllMocks();

    const realRename = fs.renameSync;
    jest.spyOn(nodeFs, "renameSync").mockImplementation(((from: fs.PathLike, to: fs.PathLike) => {
      if (isTemporary(from)) {
        throw Object.assign(new Error("EIO: i/o error, rename"), {
          code: "EIO",
          syscall: "rename",
        });
      }
      realRename(from, to);
    }) as typeof fs.renameSync);
    const broken = await runCli(args);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/cannot write .*size\.json: input\/output error \(EIO\)/);
    expect(fs.readFileSync(out, "utf8")).toBe(previous);
    expect(fs.readdirSync(dir)).toEqual(["size.json"]);
  }, 240_000);
});

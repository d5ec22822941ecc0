/*
 * Each kind of spec mistake the core issue names gives its code, its position
 * and a message, exits 2, and writes nothing. (tests/errors/ holds the full
 * baselines with exact output; this table pins the essentials per case.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../../../helpers/capture";

const base = `regcache: 1
name: t
mask: u32
registers:
  gpr: [rax, rcx, rdx, rbx, rsp]
  extended: [pdptr]
backends:
  vmx: { lazy: [rsp, pdptr] }
`;

type Case = { given: string; want: { code: string; at: string; message: RegExp } };

const cases: [string, Case][] = [
  [
    "YAML syntax error",
    {
      given: base.replace("gpr: [rax,", "gpr: [rax,,"),
      want: { code: "RC100", at: "5:13", message: /YAML syntax error/ },
    },
  ],
  [
    "unknown key",
    {
      given: base.replace("mask: u32", "mask: u32\nmaks: u64"),
      want: { code: "RC102", at: "4:1", message: /unknown key 'maks' \(did you mean 'mask'\?\)/ },
    },
  ],
  [
    "unknown register in a backend list",
    {
      given: base.replace("lazy: [rsp,", "lazy: [rsx,"),
      want: {
        code: "RC104",
        at: "8:17",
        message: /unknown register 'rsx' \(did you mean 'rsp', 'rax' or 'rbx'\?\)/,
      },
    },
  ],
  [
    "duplicate register",
    {
      given: base.replace("[rax, rcx,", "[rax, rcx, rax,"),
      want: {
        code: "RC105",
        at: "5:19",
        message: /duplicate register 'rax' \(first declared at line 5\)/,
      },
    },
  ],
  [
    "non-identifier name",
    {
      given: base.replace("rcx,", "r-cx,"),
      want: { code: "RC106", at: "5:14", message: /'r-cx' is not a valid register name/ },
    },
  ],
  [
    "C keyword as a name",
    {
      given: base.replace("rcx,", "int,"),
      want: { code: "RC107", at: "5:14", message: /'int' is a C keyword/ },
    },
  ],
  [
    "both lazy and available",
    {
      given: base.replace("{ lazy: [rsp, pdptr] }", "{ lazy: [rsp], available: [rax] }"),
      want: {
        code: "RC109",
        at: "8:23",
        message: /backend 'vmx' gives both 'lazy' and 'available'/,
      },
    },
  ],
  [
    "more registers than the mask holds",
    {
      given: base.replace(
        "extended: [pdptr]",
        `extended: [pdptr, ${Array.from({ length: 30 }, (_, i) => `x${i}`).join(", ")}]`,
      ),
      want: {
        code: "RC111",
        at: "3:7",
        message: /36 registers do not fit in a u32 mask \(32 bits\)/,
      },
    },
  ],
];

describe.each(cases)("%s", (_name, { given, want }) => {
  it(`reports ${want.code} at ${want.at}, exits 2 and writes nothing`, async () => {
    const dir = tempDir("validate");
    fs.writeFileSync(path.join(dir, "bad.yaml"), given);
    const r = await runCli(["generate", "--spec", "bad.yaml", "--out", "out"], { cwd: dir });
    expect(r.code).toBe(2);
    const first = r.stderr.split("\n")[0];
    expect(first).toMatch(new RegExp(`^bad\\.yaml:${want.at}: error ${want.code}: `));
    expect(first).toMatch(want.message);
    expect(r.stderr).toMatch(/\n\d+ \| .*\n +\| +\^+/); // the source line, underlined
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});

it("reports every problem in one run", async () => {
  const dir = tempDir("validate");
  const given = base.replace("rcx,", "int,").replace("lazy: [rsp,", "lazy: [rsx,");
  fs.writeFileSync(path.join(dir, "bad.yaml"), given);
  const r = await runCli(["generate", "--spec", "bad.yaml"], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/RC107/);
  expect(r.stderr).toMatch(/RC104/);
  expect(r.stderr).toMatch(/2 errors; nothing was written/);
});

it("accepts the base spec (the cases above fail only for their mistake)", async () => {
  const dir = tempDir("validate");
  fs.writeFileSync(path.join(dir, "good.yaml"), base);
  const r = await runCli(["generate", "--spec", "good.yaml", "--out", "out"], { cwd: dir });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(dir, "out", "c")).sort()).toEqual([
    "kvm_cache_regs.h",
    "kvm_regs.h",
  ]);
});

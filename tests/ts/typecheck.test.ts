/*
 * The TypeScript that regcache ships and generates type-checks in strict
 * mode: runtime/ts with its own tsconfig (the 6.x twin and the Linux 7.2
 * twin in runtime/ts/7.2/, which pull in the checked-in registers.ts they
 * re-export), and the golden variants of registers.ts under
 * the same options. Zero diagnostics, printed in full when there are any.
 */
import * as path from "node:path";
import * as ts from "typescript";
import { repoRoot, runtimeTsDir } from "./runtime-build";

function diagnostics(program: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(repoRoot, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
  });
}

function runtimeConfig(): ts.ParsedCommandLine {
  const configPath = path.join(runtimeTsDir, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("runtime/ts/tsconfig.json did not parse");
  return parsed;
}

describe("strict type-check", () => {
  const config = runtimeConfig();
  const goldens = ["x86-kvm-v5.2", "x86-kvm-all-cached"].map((v) =>
    path.join(repoRoot, "tests", "ts", "golden", v, "ts", "registers.ts"),
  );
  // One program for everything: the lib files are parsed once.
  const program = ts.createProgram([...config.fileNames, ...goldens], config.options);
  const files = program.getSourceFiles().map((f) => path.relative(repoRoot, f.fileName));

  it("runtime/ts's tsconfig is strict and covers the checked-in registers.ts", () => {
    expect(config.options.strict).toBe(true);
    expect(config.options.noUncheckedIndexedAccess).toBe(true);
    expect(files).toContain("generated/x86-kvm-6.12/ts/registers.ts");
    expect(files).toContain("runtime/ts/handlers/regs-ioctl.ts");
    expect(files).toContain("generated/ts/registers.ts");
    expect(files).toContain("runtime/ts/7.2/handlers/regs.ts");
    expect(files).toContain("runtime/ts/7.2/driver.ts");
    expect(files).toContain("tests/ts/golden/x86-kvm-v5.2/ts/registers.ts");
    expect(files).toContain("tests/ts/golden/x86-kvm-all-cached/ts/registers.ts");
  });

  it("runtime/ts, generated/ts/registers.ts and the golden variants: no diagnostics", () => {
    expect(diagnostics(program)).toEqual([]);
  });

  it("can fail: a type error in a copy of registers.ts is reported", () => {
    const file = path.join(repoRoot, "generated", "ts", "registers.ts");
    const host = ts.createCompilerHost(config.options);
    const read = host.readFile.bind(host);
    host.readFile = (f) =>
      path.resolve(f) === file ? `${read(f)}\nexport const broken: number = raxRead;\n` : read(f);
    const found = diagnostics(ts.createProgram([file], config.options, host, program));
    expect(found.join("\n")).toMatch(
      /generated\/ts\/registers\.ts:\d+:\d+: Type .* is not assignable/,
    );
  });
});

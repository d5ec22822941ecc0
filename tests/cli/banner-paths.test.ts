/*
 * The banner records the spec and output paths in a C block comment: a
 * path holding "*\/", "/*" or "??" is shell-quoted so the comment is not
 * ended early and the "Regenerate with:" command runs as written (the
 * generated C still compiles with -Wall -Werror); a path holding a newline
 * or another control character cannot be recorded on one line and is
 * refused (exit 2, nothing written).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compilers, repoRoot, runCli, tempDir } from "../helpers/capture";

const SPEC = path.join(repoRoot, "spec", "x86-kvm.yaml");

/** The words a POSIX shell reads from `command`, as it parses them. */
function wordsOf(command: string, cwd: string): string[] {
  const r = spawnSync("sh", ["-c", `set -- ${command}; printf '%s\\n' "$@"`], {
    cwd,
    encoding: "utf8",
  });
  return r.stdout.split("\n").slice(0, -1);
}

test("a spec under 'sp*/q??': the banner's command gives the path back, the C compiles", async () => {
  const d = tempDir("banner-star");
  fs.mkdirSync(path.join(d, "sp*", "q??"), { recursive: true });
  fs.copyFileSync(SPEC, path.join(d, "sp*", "q??", "s.yaml"));
  const r = await runCli(["generate", "--spec", "sp*/q??/s.yaml", "--out", "gen"], { cwd: d });
  expect(r.code).toBe(0);
  const header = fs.readFileSync(path.join(d, "gen", "c", "kvm_regs.h"), "utf8");
  const line = /^ \* Regenerate with: (.*)$/m.exec(header)![1]!;
  expect(wordsOf(line, d)).toEqual([
    "regcache",
    "generate",
    "--spec",
    "sp*/q??/s.yaml",
    "--out",
    "gen",
  ]);
  // The comment ends where the banner ends, and nowhere before.
  expect(header.indexOf("*/")).toBe(header.indexOf("\n */\n") + 2);
  const cc = compilers()[0];
  if (cc === undefined) return console.log("skipped the compile: no C compiler on PATH");
  const main = path.join(d, "t.c");
  fs.writeFileSync(
    main,
    '#include <stdint.h>\ntypedef uint8_t u8;\ntypedef uint16_t u16;\ntypedef uint32_t u32;\ntypedef uint64_t u64;\n#include "kvm_regs.h"\n',
  );
  const built = spawnSync(
    cc,
    ["-Wall", "-Werror", "-Wcomment", "-fsyntax-only", "-I", path.join(d, "gen", "c"), main],
    {
      encoding: "utf8",
    },
  );
  expect(built.stderr).toBe("");
  expect(built.status).toBe(0);
});

test.each([
  ["a newline", "nl\nx"],
  ["a tab", "t\tx"],
])("a spec path holding %s is refused, nothing written", async (_name, dir) => {
  const d = tempDir("banner-control");
  fs.mkdirSync(path.join(d, dir));
  fs.copyFileSync(SPEC, path.join(d, dir, "s.yaml"));
  const r = await runCli(["generate", "--spec", `${dir}/s.yaml`, "--out", "gen"], { cwd: d });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("the path holds a control character");
  expect(fs.existsSync(path.join(d, "gen"))).toBe(false);
});

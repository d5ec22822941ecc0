/*
 * The tail every size command shares (runSizeCommand): its usage problems
 * and an unwritable --out, each on a line with exit 2 and nothing run; else
 * the library's run, its failure printed with that kind's exit code, or its
 * report printed with 0. Driven with a capturing Io and stand-in runs.
 */
import { capturingIo } from "../../helpers/io";
import * as fs from "node:fs";
import * as path from "node:path";
import { runSizeCommand } from "../../../generator/cli/print";
import { buildReport } from "../../../generator/size/report/report";
import { failure, type SizeOutcome } from "../../../generator/size/outcome";
import { tempDir } from "../../helpers/temp";

/** A stand-in for a library entry point, counting its calls. */
function stub(outcome: SizeOutcome) {
  const calls: number[] = [];
  return { run: () => (calls.push(1), outcome), calls };
}

const report = buildReport({
  spec: "spec/x86-kvm.yaml",
  base: "all-cached",
  measured: [],
  skipped: [],
  baseFiles: [],
  headFiles: [],
});

test("usage problems: each on a line, exit 2, the library not run", async () => {
  const c = capturingIo(tempDir("print"));
  const s = stub({ ok: true, report });
  const code = await runSizeCommand(
    c.io,
    "regcache size merge",
    ["one", "two"],
    { format: "text" },
    s.run,
  );
  expect({ code, err: c.stderr(), out: c.stdout(), calls: s.calls.length }).toEqual({
    code: 2,
    err: "regcache size merge: error: one\nregcache size merge: error: two\n",
    out: "",
    calls: 0,
  });
});

test("an --out that is a directory is a problem after the others", async () => {
  const dir = tempDir("print");
  fs.mkdirSync(path.join(dir, "reports"));
  const c = capturingIo(dir);
  const s = stub({ ok: true, report });
  const code = await runSizeCommand(
    c.io,
    "regcache size",
    ["first"],
    { format: "text", out: "reports" },
    s.run,
  );
  expect({ code, err: c.stderr(), calls: s.calls.length }).toEqual({
    code: 2,
    err:
      "regcache size: error: first\n" +
      "regcache size: error: --out reports: it is a directory, not a file\n",
    calls: 0,
  });
});

test("no problems: the library runs once; a failure is printed with its kind's exit code", async () => {
  const c = capturingIo(tempDir("print"));
  const s = stub(failure("environment", { problems: ["no gcc"], messages: ["see above"] }));
  const code = await runSizeCommand(c.io, "regcache size", [], { format: "text" }, s.run);
  expect({ code, err: c.stderr(), calls: s.calls.length }).toEqual({
    code: 3,
    err: "regcache size: error: no gcc\nregcache size: see above\n",
    calls: 1,
  });
});

test("no problems: a report is written to --out, exit 0; an async run is awaited", async () => {
  const dir = tempDir("print");
  const c = capturingIo(dir);
  const code = await runSizeCommand(
    c.io,
    "regcache size",
    [],
    { format: "json", out: "deep/r.json" },
    async () => ({ ok: true, report }),
  );
  expect({ code, err: c.stderr(), out: c.stdout() }).toEqual({
    code: 0,
    err: "regcache size: wrote deep/r.json\n",
    out: "",
  });
  expect(JSON.parse(fs.readFileSync(path.join(dir, "deep/r.json"), "utf8"))).toMatchObject({
    spec: "spec/x86-kvm.yaml",
  });
});

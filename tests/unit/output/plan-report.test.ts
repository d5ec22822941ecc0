/*
 * How `generate` and `watch` word a write plan: generate's line per file and
 * its summary (written, or what a dry run would do; lost hand edits named),
 * and watch's one line per run. The plans come from planFromTree, as the
 * writer makes them.
 */
import { withBanner } from "../../../generator/targets/banner";
import { planFromTree, type WritePlan } from "../../../generator/output/writer";
import { describePlan, describePlanLine } from "../../../generator/output/plan-report";

const info = { version: "0.1.0", specPath: "spec/x86-kvm.yaml", command: "regcache generate" };
const file = (body: string) => withBanner(info, body);
const edited = (text: string) => text.replace("X 0", "X 2");

/** Writing `produced` over a directory holding `current` and the `stale` files. */
function planOf(
  produced: Record<string, string>,
  current: Record<string, string> = {},
  stale: Record<string, string> = {},
): WritePlan {
  return planFromTree(
    {
      outDir: "/tmp/out",
      current: new Map(Object.entries(current)),
      stale: Object.entries(stale).map(([path, text]) => ({ path, current: text })),
      leftovers: [],
    },
    Object.entries(produced).map(([path, contents]) => ({ path, contents })),
  );
}

const old = file("#define X 0\n");
const now = file("#define X 1\n");
/** Creates c/a.h, updates c/b.h (edited by hand), leaves c/c.h, removes c/old.h. */
const mixed = () =>
  planOf(
    { "c/a.h": now, "c/b.h": now, "c/c.h": now },
    { "c/b.h": edited(old), "c/c.h": now },
    { "c/old.h": old },
  );

describe("describePlan: generate's report", () => {
  test("written: a line per changed file, lost hand edits named, then the counts", () =>
    expect(describePlan(mixed(), "gen", false)).toBe(
      "  created gen/c/a.h\n" +
        "  updated gen/c/b.h (it had been edited by hand; those edits are gone)\n" +
        "  removed gen/c/old.h\n" +
        "regcache: changed 3 files in gen/, 1 unchanged\n",
    ));

  test("a dry run: what would happen, and that nothing was written", () =>
    expect(describePlan(mixed(), "gen", true)).toBe(
      "  would create gen/c/a.h\n" +
        "  would update gen/c/b.h (it had been edited by hand; those edits would be gone)\n" +
        "  would remove gen/c/old.h\n" +
        "regcache: would change 3 files in gen/, 1 unchanged; nothing was written (--dry-run)\n",
    ));

  test("one file changed: singular", () =>
    expect(describePlan(planOf({ "c/a.h": now }, { "c/a.h": old }), "gen", false)).toBe(
      "  updated gen/c/a.h\nregcache: changed 1 file in gen/, 0 unchanged\n",
    ));

  test("nothing changed: up to date, with the count", () => {
    expect(describePlan(planOf({ "c/a.h": now }, { "c/a.h": now }), "gen", false)).toBe(
      "regcache: gen/ is up to date (1 file unchanged)\n",
    );
    const two = planOf({ "c/a.h": now, "c/b.h": now }, { "c/a.h": now, "c/b.h": now });
    expect(describePlan(two, "gen", true)).toBe(
      "regcache: gen/ is up to date (2 files unchanged)\n",
    );
  });
});

describe("describePlanLine: watch's line for a run", () => {
  test("the changed files joined by commas, with the counts; no newline", () =>
    expect(describePlanLine(mixed(), "gen")).toBe(
      "created gen/c/a.h, updated gen/c/b.h (it had been edited by hand; those edits are gone), " +
        "removed gen/c/old.h (3 changed, 1 unchanged)",
    ));

  test("nothing changed: generate's summary without its prefix", () =>
    expect(describePlanLine(planOf({ "c/a.h": now }, { "c/a.h": now }), "gen")).toBe(
      "gen/ is up to date (1 file unchanged)",
    ));
});

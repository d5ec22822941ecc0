/*
 * docs/size-report.md's "## Samples" and scripts/size-samples.js, which
 * regenerates them (npm run docs:samples), must not drift apart in shape:
 * every marked block is there once, in order, and not empty; every sample
 * heading's command is one the script runs, and the block after it is that
 * command's. Re-running the matrix is the script's job, not npm test's.
 */
import * as fs from "fs";
import * as path from "path";

interface Sample {
  readonly id: string;
  readonly command: string;
}
interface SizeSamplesScript {
  readonly SAMPLES: readonly Sample[];
  readonly EXTRA_BLOCKS: readonly string[];
  readonly BLOCK_ORDER: readonly string[];
  readonly BUDGET_YAML: string;
  readonly DocError: new (message: string) => Error;
  findBlocks(doc: string, order?: readonly string[]): Map<string, { start: number; end: number }>;
  replaceBlocks(doc: string, contents: Record<string, string>, order?: readonly string[]): string;
  sampleHeadings(doc: string): { name: string; command: string }[];
  checkAgreement(regcacheText: string, bloatText: string): void;
}

const root = path.resolve(__dirname, "..", "..");
const script = require(path.join(root, "scripts", "size-samples.js")) as SizeSamplesScript;
const doc = fs.readFileSync(path.join(root, "docs", "size-report.md"), "utf8");
const blocks = script.findBlocks(doc);
const content = (id: string) => doc.slice(blocks.get(id)!.start, blocks.get(id)!.end);

describe("docs/size-report.md samples", () => {
  test("every block the script writes is marked once, in order, and the markers are all there is", () => {
    expect([...blocks.keys()]).toEqual(script.BLOCK_ORDER);
    expect([...script.BLOCK_ORDER].sort()).toEqual(
      [...script.SAMPLES.map((s) => s.id), ...script.EXTRA_BLOCKS].sort(),
    );
    const markers = [...doc.matchAll(/<!-- \/?sample:([a-z0-9.-]+) -->/g)].map((m) => m[1]);
    expect(markers).toEqual(script.BLOCK_ORDER.flatMap((id) => [id, id]));
  });

  test.each([...script.BLOCK_ORDER])("block %s is not empty", (id) => {
    expect(content(id).trim()).not.toBe("");
  });

  test("each sample heading shows a command the script runs, and its block follows it", () => {
    const headings = script.sampleHeadings(doc);
    expect(headings.map((h) => h.command)).toEqual(script.SAMPLES.map((s) => s.command));
    for (const [i, sample] of script.SAMPLES.entries()) {
      const at = doc.indexOf(`### ${headings[i].name} — \`${sample.command}\`\n`);
      const nextHeading =
        i + 1 < headings.length ? doc.indexOf(`### ${headings[i + 1].name} — `) : doc.length;
      const block = blocks.get(sample.id)!;
      expect(at).toBeGreaterThan(0);
      expect(block.start).toBeGreaterThan(at);
      expect(block.end).toBeLessThan(nextHeading);
    }
  });

  test("the budget file shown is the one the script checks against", () => {
    expect(content("budget.yaml")).toBe("```yaml\n" + script.BUDGET_YAML + "```\n");
  });

  test("the intro names the run's commit and how to regenerate", () => {
    expect(content("run")).toMatch(/run at commit `[0-9a-f]{7,}`( with uncommitted changes)? on/);
    expect(doc).toContain("npm run docs:samples");
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.scripts["docs:samples"]).toBe("node scripts/size-samples.js");
  });

  test("the objects sample agrees with bloat-o-meter's, as the doc says (and a changed figure would not)", () => {
    const unfence = (id: string) =>
      content(id)
        .replace(/^```\n/, "")
        .replace(/```\n$/, "");
    const ours = unfence("objects");
    const theirs = unfence("objects-bloat-o-meter");
    expect(() => script.checkAgreement(ours, theirs)).not.toThrow();
    const row = /^(\S+ +)(\d+)( .*)$/m.exec(theirs.split("\n").slice(2).join("\n"))!;
    const altered = theirs.replace(row[0], `${row[1]}${Number(row[2]) + 1}${row[3]}`);
    expect(altered).not.toBe(theirs);
    expect(() => script.checkAgreement(ours, altered)).toThrow(/changed rows differ/);
    expect(() =>
      script.checkAgreement(ours, theirs.replace("Total: Before=", "Total: Before=1")),
    ).toThrow(/header or Total/);
  });

  const tiny = "a\n<!-- sample:x -->\nold\n<!-- /sample:x -->\nb\n";
  test.each<[string, { given: string; want: RegExp }]>([
    ["missing close", { given: "<!-- sample:x -->\n", want: /missing <!-- \/sample:x -->/ }],
    ["twice", { given: tiny + tiny, want: /appears twice/ }],
    [
      "close before open",
      { given: "<!-- /sample:x -->\n<!-- sample:x -->\n", want: /out of place/ },
    ],
  ])("a doc with its markers %s is refused", (_name, { given, want }) => {
    expect(() => script.findBlocks(given, ["x"])).toThrow(script.DocError);
    expect(() => script.findBlocks(given, ["x"])).toThrow(want);
    expect(script.replaceBlocks(tiny, { x: "new\n" }, ["x"])).toBe(
      "a\n<!-- sample:x -->\nnew\n<!-- /sample:x -->\nb\n",
    );
  });
});

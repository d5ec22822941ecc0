/*
 * docs/size-samples.md is written whole by scripts/size-samples.js
 * (npm run docs:samples): the page must be exactly what the script renders
 * from the blocks it holds, so prose, headings and markers cannot be edited
 * by hand, and every block must be there, in order, and not empty. Re-running
 * the matrix to refresh the blocks is the script's job, not npm test's; the
 * objects sample's pair is rebuilt here, to hold the script's bloat-o-meter
 * command to what --objects counts.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers/capture";
import { bloatOMeterScript } from "./bloat-o-meter";
import { fileTempDir } from "./helpers";

interface Sample {
  readonly id: string;
  readonly name: string;
  readonly command: string;
  readonly fence: string;
}
interface SizeSamplesScript {
  readonly SAMPLES: readonly Sample[];
  readonly CLONES_SOURCE: string;
  readonly CLONES_BUILDS: readonly (readonly [string, readonly string[]])[];
  readonly BLOAT_O_METER_ARGS: readonly string[];
  readonly EXTRA_BLOCKS: readonly string[];
  readonly BLOCK_ORDER: readonly string[];
  readonly BUDGET_YAML: string;
  readonly DOC: string;
  readonly DocError: new (message: string) => Error;
  findBlocks(doc: string, order?: readonly string[]): Map<string, { start: number; end: number }>;
  blockContents(doc: string, order?: readonly string[]): Record<string, string>;
  renderPage(contents: Record<string, string>): string;
  fenced(text: string, fence: string): string;
  sampleHeadings(doc: string): { name: string; command: string }[];
  checkAgreement(regcacheText: string, bloatText: string): void;
}

const root = path.resolve(__dirname, "..", "..");
const script = require(path.join(root, "scripts", "size-samples.js")) as SizeSamplesScript;
const read = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const work = fileTempDir("size-samples");
const bloatOMeter = bloatOMeterScript();
/** Needs Debian's linux-source-6.12 and python3, as tests/size/objects.test.ts does. */
const withOracle = bloatOMeter ? test : test.skip;

describe("docs/size-samples.md", () => {
  test("is the page the script writes", () => {
    expect(script.DOC).toBe("docs/size-samples.md");
  });

  test("is exactly what the script renders from its blocks", () => {
    const doc = read(script.DOC);
    expect(script.renderPage(script.blockContents(doc))).toBe(doc);
  });

  test("a hand edit outside the blocks is caught", () => {
    const doc = read(script.DOC);
    const edited = doc.replace("The complete file:", "The whole file:");
    expect(edited).not.toBe(doc);
    expect(script.renderPage(script.blockContents(edited))).not.toBe(edited);
  });

  test("every block the script writes is marked once, in order, and the markers are all there is", () => {
    const doc = read(script.DOC);
    expect([...script.findBlocks(doc).keys()]).toEqual(script.BLOCK_ORDER);
    expect([...script.BLOCK_ORDER].sort()).toEqual(
      [...script.SAMPLES.map((s) => s.id), ...script.EXTRA_BLOCKS].sort(),
    );
    const markers = [...doc.matchAll(/<!-- \/?sample:([a-z0-9.-]+) -->/g)].map((m) => m[1]);
    expect(markers).toEqual(script.BLOCK_ORDER.flatMap((id) => [id, id]));
  });

  test.each([...script.BLOCK_ORDER])("block %s is not empty", (id) => {
    expect(script.blockContents(read(script.DOC))[id].trim()).not.toBe("");
  });

  test("each sample heading shows a command the script runs, and its block follows it", () => {
    const doc = read(script.DOC);
    const blocks = script.findBlocks(doc);
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

  test("every sample is fenced, so no heading it prints joins the page's outline", () => {
    const contents = script.blockContents(read(script.DOC));
    for (const sample of script.SAMPLES) {
      const block = contents[sample.id];
      const fence = /^(`{3,})(\S*)\n/.exec(block);
      expect([sample.id, fence?.[2]]).toEqual([sample.id, sample.fence]);
      expect(block.endsWith(`\n${fence![1]}\n`)).toBe(true);
      // The body holds no fence as long as its own, so the block does not end early.
      const body = block.slice(fence![0].length, -fence![1].length - 1);
      expect(body.split("\n").some((l) => l.startsWith(fence![1]))).toBe(false);
    }
    // Outside fences, the page's headings are its title and one per sample.
    const outline: string[] = [];
    let open: string | undefined;
    for (const line of read(script.DOC).split("\n")) {
      const f = /^(`{3,})/.exec(line)?.[1];
      if (f && open === undefined) open = f;
      else if (f && f.length >= open!.length && line.trim() === f) open = undefined;
      else if (open === undefined && line.startsWith("#")) outline.push(line);
    }
    expect(outline).toEqual([
      "# `regcache size`: samples",
      ...script.SAMPLES.map((s) => `### ${s.name} — \`${s.command}\``),
    ]);
  });

  test("a fence is longer than any run of backticks in what it holds", () => {
    expect(script.fenced("a\n```\nb\n```\n", "markdown")).toBe(
      "````markdown\na\n```\nb\n```\n````\n",
    );
    expect(script.fenced("plain", "")).toBe("```\nplain\n```\n");
  });

  test("the budget file shown is the one the script checks against", () => {
    expect(script.blockContents(read(script.DOC))["budget.yaml"]).toBe(
      "```yaml\n" + script.BUDGET_YAML + "```\n",
    );
  });

  test("the intro names the run's commit and how to regenerate", () => {
    const doc = read(script.DOC);
    expect(script.blockContents(doc).run).toMatch(
      /run at commit `[0-9a-f]{7,}`( with uncommitted changes)? on/,
    );
    expect(doc).toContain("npm run docs:samples");
    const pkg = JSON.parse(read("package.json"));
    expect(pkg.scripts["docs:samples"]).toBe("node scripts/size-samples.js");
  });

  test("docs/size-report.md links to the samples and holds none itself", () => {
    const report = read("docs/size-report.md");
    expect(report).toContain("[size-samples.md](size-samples.md)");
    expect(report).not.toMatch(/<!-- \/?sample:/);
  });

  test("the objects sample agrees with bloat-o-meter's, as the page says (and a changed figure would not)", () => {
    const contents = script.blockContents(read(script.DOC));
    const unfence = (id: string) => contents[id].replace(/^```\n/, "").replace(/```\n$/, "");
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

  withOracle(
    "the script's bloat-o-meter command agrees with --objects on a fresh build of the pair",
    async () => {
      for (const [side, flags] of script.CLONES_BUILDS) {
        fs.mkdirSync(path.join(work, side));
        const object = path.join(work, side, "clones.o");
        execFileSync("gcc", [...flags, "-c", path.join(root, script.CLONES_SOURCE), "-o", object]);
      }
      const ours = await runCli(["size", "--objects", "old/clones.o", "new/clones.o"], {
        cwd: work,
      });
      expect(ours.code).toBe(0);
      const theirs = execFileSync("python3", [bloatOMeter!, ...script.BLOAT_O_METER_ARGS], {
        cwd: work,
        encoding: "utf8",
      });
      expect(() => script.checkAgreement(ours.stdout, theirs)).not.toThrow();
    },
  );

  const tiny = "a\n<!-- sample:x -->\nold\n<!-- /sample:x -->\nb\n";
  test.each<[string, { given: string; want: RegExp }]>([
    ["missing close", { given: "<!-- sample:x -->\n", want: /missing <!-- \/sample:x -->/ }],
    ["twice", { given: tiny + tiny, want: /appears twice/ }],
    [
      "close before open",
      { given: "<!-- /sample:x -->\n<!-- sample:x -->\n", want: /out of place/ },
    ],
  ])("a page with its markers %s is refused", (_name, { given, want }) => {
    expect(() => script.findBlocks(given, ["x"])).toThrow(script.DocError);
    expect(() => script.findBlocks(given, ["x"])).toThrow(want);
    expect(script.blockContents(tiny, ["x"])).toEqual({ x: "old\n" });
  });
});

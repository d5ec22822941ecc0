/*
 * The HTML size report in a real browser (npm run test:browser; .ci/run runs
 * it after installing Debian's chromium). A real `regcache size` run writes
 * the JSON and the HTML of the same measurement; headless Chromium, driven
 * through the DevTools protocol by playwright-core, renders the page, and the
 * test reads what was drawn: the bars of every config (their bytes and their
 * rendered widths), the legend, the byte scale, the cross-config table under
 * its heading, and checks every number against the JSON. A full-page
 * screenshot is kept for people: tests/browser/out/size-report.png
 * (git-ignored; REGCACHE_BROWSER_OUT moves it).
 */
// The page.evaluate callbacks run in the browser: DOM types for them.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { repoRoot, runCli } from "../helpers/capture";

const CHROMIUM = process.env.REGCACHE_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUT = process.env.REGCACHE_BROWSER_OUT ?? path.join(repoRoot, "tests", "browser", "out");
const CONFIGS = ["gcc-O2", "gcc-O2-retpoline"];

interface JsonRow {
  name: string;
  base: number | null;
  head: number | null;
  delta: number;
}
interface JsonReport {
  configs: { name: string; functions: JsonRow[]; total: { base: number; head: number } }[];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-browser-"));
let report: JsonReport;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: apt-get install -y chromium (or set REGCACHE_CHROMIUM)`,
    );
  const selection = CONFIGS.flatMap((c) => ["--config", c]);
  const json = await runCli(["size", ...selection, "--format", "json"]);
  if (json.code !== 0) throw new Error(json.stderr);
  report = JSON.parse(json.stdout);
  const html = path.join(work, "size.html");
  const written = await runCli(["size", ...selection, "--format", "html", "--out", html]);
  if (written.code !== 0) throw new Error(written.stderr);

  // A fresh profile each run: nothing cached, nothing synced, no first-run UI.
  context = await chromium.launchPersistentContext(path.join(work, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  page = await context.newPage();
  // The page is self-contained: any request but the file itself is a bug.
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${html}`);
  await page.waitForLoadState("load");
  expect(requests).toEqual([`file://${html}`]);
}, 300_000);

afterAll(async () => {
  await context?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface DrawnBar {
  name: string;
  base: { bytes: number; width: number };
  head: { bytes: number; width: number };
  figures: string;
}

async function barsOf(config: string): Promise<DrawnBar[]> {
  return page.$$eval(`section[data-config="${config}"] figure g.bar`, (groups) =>
    groups.map((g) => {
      const side = (s: string) => {
        const rect = g.querySelector(`rect[data-side="${s}"]`)!;
        return {
          bytes: Number(rect.getAttribute("data-bytes")),
          width: rect.getBoundingClientRect().width,
        };
      };
      return {
        name: g.getAttribute("data-function")!,
        base: side("base"),
        head: side("head"),
        figures: g.querySelector("text.figures")!.textContent!,
      };
    }),
  );
}

describe("the HTML report as Chromium renders it", () => {
  test("one chart per config, one pair of bars per changed function, bytes equal to the JSON", async () => {
    const charts = await page.$$eval("figure[data-chart]", (f) =>
      f.map((x) => x.getAttribute("data-chart")),
    );
    expect(charts).toEqual(report.configs.map((c) => c.name));
    for (const config of report.configs) {
      const changed = config.functions.filter((f) => f.delta !== 0);
      const bars = await barsOf(config.name);
      expect(bars.map((b) => b.name)).toEqual(changed.slice(0, 40).map((f) => f.name));
      bars.forEach((bar, i) => {
        const row = changed[i];
        expect(bar.base.bytes).toBe(row.base ?? 0);
        expect(bar.head.bytes).toBe(row.head ?? 0);
        expect(bar.figures).toBe(`${row.base ?? "-"} → ${row.head ?? "-"}`);
      });
      process.stdout.write(`browser: ${config.name}: ${bars.length} bars drawn\n`);
    }
  });

  test("bar lengths are to one scale, and the axis ticks sit where their bytes are", async () => {
    for (const config of report.configs) {
      const bars = await barsOf(config.name);
      const all = bars.flatMap((b) => [b.base, b.head]).filter((s) => s.bytes > 0);
      const pxPerByte = all[0].width / all[0].bytes;
      for (const s of all) expect(Math.abs(s.width - s.bytes * pxPerByte)).toBeLessThan(1);
      const ticks = await page.$$eval(`section[data-config="${config.name}"] text.tick`, (texts) =>
        texts.map((t) => {
          const box = t.getBoundingClientRect();
          return { label: Number(t.textContent), center: box.left + box.width / 2 };
        }),
      );
      const origin = await page.$eval(
        `section[data-config="${config.name}"] rect[data-side="base"]`,
        (r) => r.getBoundingClientRect().left,
      );
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks[0].label).toBe(0);
      const largest = Math.max(...all.map((s) => s.bytes));
      expect(ticks[ticks.length - 1].label).toBeGreaterThanOrEqual(largest);
      for (const t of ticks)
        expect(Math.abs(t.center - (origin + t.label * pxPerByte))).toBeLessThan(2);
      const unit = await page.$eval(
        `section[data-config="${config.name}"] text.axis-label`,
        (t) => t.textContent,
      );
      expect(unit).toBe("bytes");
    }
  });

  test("a legend names each colour, in the colours the bars use", async () => {
    for (const config of report.configs) {
      const legend = await page.$$eval(
        `section[data-config="${config.name}"] g.legend-item`,
        (items) =>
          items.map((g) => ({
            key: g.getAttribute("data-legend"),
            text: g.querySelector("text")!.textContent,
            fill: getComputedStyle(g.querySelector("rect")!).fill,
            visible: g.getBoundingClientRect().width > 0,
          })),
      );
      expect(legend.map((l) => [l.key, l.text, l.visible])).toEqual([
        ["base", "base", true],
        ["head", "head (smaller or equal)", true],
        ["head-up", "head (larger)", true],
      ]);
      expect(new Set(legend.map((l) => l.fill)).size).toBe(3);
      // Nothing drawn on top of anything else: legend items apart, names left of the bars.
      const boxes = await page.$$eval(
        `section[data-config="${config.name}"] g.legend-item`,
        (items) =>
          items.map((g) => {
            const b = g.getBoundingClientRect();
            return { left: b.left, right: b.right };
          }),
      );
      for (let i = 1; i < boxes.length; i++)
        expect(boxes[i].left).toBeGreaterThanOrEqual(boxes[i - 1].right);
      const overlaps = await page.$$eval(`section[data-config="${config.name}"] g.bar`, (groups) =>
        groups
          .map((g) => ({
            name: g.querySelector("text.name")!.getBoundingClientRect().right,
            bars: g.querySelector("rect")!.getBoundingClientRect().left,
            label: g.getAttribute("data-function"),
          }))
          .filter((x) => x.name > x.bars)
          .map((x) => x.label),
      );
      expect(overlaps).toEqual([]);
      const barFills = await page.$$eval(
        `section[data-config="${config.name}"] g.bar rect`,
        (rects) =>
          rects.map((r) => ({
            cls: r.getAttribute("class"),
            fill: getComputedStyle(r).fill,
          })),
      );
      const fillOf = (key: string) => legend.find((l) => l.key === key)!.fill;
      for (const bar of barFills) {
        const key = bar.cls === "base" ? "base" : bar.cls === "head up" ? "head-up" : "head";
        expect(bar.fill).toBe(fillOf(key));
      }
    }
  });

  test("the cross-config table has a heading, and its cells equal the JSON", async () => {
    const heading = await page.$eval("table.across", (t) => {
      const h = t.previousElementSibling;
      return {
        tag: h?.tagName,
        text: h?.textContent,
        caption: t.querySelector("caption")?.textContent,
      };
    });
    expect(heading.tag).toBe("H2");
    expect(heading.text).toBe("Across configs");
    expect(heading.caption).toMatch(/base → head/);
    const rows = await page.$$eval("table.across tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("th,td")].map((c) => c.textContent ?? "")),
    );
    expect(rows[0]).toEqual(["function", ...report.configs.map((c) => c.name)]);
    const body = rows.slice(1);
    for (const [name, ...cells] of body) {
      cells.forEach((cell, i) => {
        const config = report.configs[i];
        const want =
          name === "total" ? config.total : config.functions.find((f) => f.name === name)!;
        const m = /^(\d+) → (\d+) \(([+\u2212]?)(\d+)%\)$/.exec(cell);
        expect({ name, cell, parsed: m ? [Number(m[1]), Number(m[2])] : null }).toEqual({
          name,
          cell,
          parsed: [want.base, want.head],
        });
        // The sign drawn matches the JSON's direction, with the page's one minus sign.
        const sign = m![3];
        const delta = want.head! - want.base!;
        if (m![4] !== "0") expect(sign).toBe(delta > 0 ? "+" : "\u2212");
      });
    }
    const changedAnywhere = new Set(
      report.configs.flatMap((c) => c.functions.filter((f) => f.delta !== 0).map((f) => f.name)),
    );
    expect(
      body
        .map((r) => r[0])
        .filter((n) => n !== "total")
        .sort(),
    ).toEqual([...changedAnywhere].sort());
  });

  test("a screenshot is kept for people", async () => {
    fs.mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, "size-report.png");
    await page.screenshot({ path: file, fullPage: true });
    const png = fs.readFileSync(file);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // Full page: taller than the window, since two configs' charts and tables follow the summary.
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
    process.stdout.write(`browser: screenshot ${path.relative(repoRoot, file)}\n`);
  });
});

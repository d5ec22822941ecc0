#!/usr/bin/env node
"use strict";
/*
 * Writes docs/size-samples.md (`npm run docs:samples`, after `npm run build`):
 * runs every command the page shows with the built tool and renders the whole
 * page from PAGE, each command's output between markers,
 * `<!-- sample:ID -->` … `<!-- /sample:ID -->`, so the samples are always
 * what the current code prints and never hand-pasted. tests/size/
 * samples-doc.test.ts re-renders the page from the blocks it holds and
 * requires the file to be exactly that, so a hand edit anywhere is caught.
 *
 * The commands run in a scratch directory (removed afterwards) holding a
 * copy of the repository's regcache.config.yaml and spec/, so they are run
 * exactly as shown (`regcache size --budget budget.yaml`, `--out size.html`)
 * and nothing is written into the repository but the page. The scratch
 * directory has its own object cache ($REGCACHE_CACHE_DIR), shared by the
 * samples of one run and removed with it. NO_COLOR is set and no output is a
 * TTY, as in CI.
 *
 * The "run at commit" line names `git rev-parse --short HEAD`, with
 * " with uncommitted changes" when the tree differs from it in anything but
 * the page (the page is this script's output, not an input): commit first,
 * then run this, then commit the page. Two runs on the same tree give the
 * same page.
 *
 * Exit codes: 0 page written (or unchanged); 3 environment (a command exited
 * with another code than its sample shows, a tool is missing, or the objects
 * sample no longer agrees with bloat-o-meter as the page says it does).
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const DOC = "docs/size-samples.md";

/** The budget file the budget-breach sample checks against (also shown in the doc). */
const BUDGET_YAML = `budgets:
  - function: kvm_emulate_cpuid
    max: 150
  - function: "*_interception"
    growth: "-35%"
  - total: true
    growth: 0
`;

/**
 * Every sample: the heading's name and command (`### NAME — \`COMMAND\``),
 * the exit code it must end with, what is shown (stdout, a file it wrote, or
 * stderr and the exit code) and the language of the fenced block it is shown
 * in. Every output is fenced, markdown included, so no heading of a sample
 * joins the page's outline.
 */
const SAMPLES = [
  { id: "text", name: "text", command: "regcache size", exit: 0, show: "stdout", fence: "" },
  {
    id: "markdown",
    name: "markdown",
    command: "regcache size --format markdown",
    exit: 0,
    show: "stdout",
    fence: "markdown",
  },
  {
    id: "json",
    name: "json",
    command: "regcache size --config gcc-O2 --format json",
    exit: 0,
    show: "stdout",
    fence: "json",
  },
  {
    id: "html",
    name: "html",
    command: "regcache size --config gcc-O2 --format html --out size.html",
    exit: 0,
    show: "file:size.html",
    fence: "html",
  },
  {
    id: "budget",
    name: "budget breach",
    command: "regcache size --config gcc-O2 --budget budget.yaml",
    exit: 1,
    show: "stderr+exit",
    fence: "",
  },
  {
    id: "objects",
    name: "objects",
    command: "regcache size --objects old/clones.o new/clones.o",
    exit: 0,
    show: "stdout",
    fence: "",
  },
];

/**
 * The arguments of bloat-o-meter's view of the objects sample, run in the
 * directory holding old/ and new/. No -t: `regcache size --objects` counts
 * data symbols as well as functions, as bloat-o-meter does without it, so
 * the Total lines agree only in this form.
 */
const BLOAT_O_METER_ARGS = ["old/clones.o", "new/clones.o"];

/** Marked blocks that are not a command's output: the intro line and the inputs. */
const EXTRA_BLOCKS = ["run", "budget.yaml", "objects-bloat-o-meter"];

/**
 * The page, in order: paragraphs of prose (strings), sample headings
 * ({ heading: id }) and marked blocks ({ block: id }). Each part is followed
 * by a blank line.
 */
const PAGE = [
  "# `regcache size`: samples",
  "<!-- Written by scripts/size-samples.js (npm run docs:samples); do not edit. -->",
  "What each of `regcache size`'s outputs looks like, for the default spec (`spec/x86-kvm.yaml`,\n" +
    "Linux 7.2's shape, so the handler suite is `runtime/handlers/7.2/`). What the figures mean, the\n" +
    "options and the budget file are in [size-report.md](size-report.md).",
  { block: "run" },
  "Regenerate the page with `npm run build && npm run docs:samples` (`scripts/size-samples.js` runs\n" +
    "each command in a scratch directory holding a copy of `regcache.config.yaml` and `spec/`, with\n" +
    "`NO_COLOR` set and no terminal, and writes this page); commit your change first, so the line\n" +
    "above names the commit that was measured.",
  { heading: "text" },
  { block: "text" },
  { heading: "markdown" },
  "As printed (pasted into a pull request comment, it renders as tables):",
  { block: "markdown" },
  { heading: "json" },
  { block: "json" },
  { heading: "html" },
  "The complete file:",
  { block: "html" },
  { heading: "budget" },
  "With this `budget.yaml`:",
  { block: "budget.yaml" },
  "stderr, and the exit code:",
  { block: "budget" },
  { heading: "objects" },
  "`tests/size/fixtures/objects/clones.c` built with `gcc -O2 -DV=1` (old) and `-DV=2` (new):",
  { block: "objects" },
  `and what Linux 6.12's \`scripts/bloat-o-meter ${BLOAT_O_METER_ARGS.join(" ")}\` prints for the same\n` +
    "pair — the header and Total lines are the same bytes, the changed rows the same names, figures\n" +
    "and order (`npm run docs:samples` checks that they are):",
  { block: "objects-bloat-o-meter" },
];

/** Every marker id, in the order the blocks appear in the page. */
const BLOCK_ORDER = PAGE.filter((part) => typeof part === "object" && "block" in part).map(
  (part) => part.block,
);

/** The objects sample's inputs: the fixture built twice (as tests/size/objects.test.ts does). */
const CLONES_SOURCE = "tests/size/fixtures/objects/clones.c";
const CLONES_BUILDS = [
  ["old", ["-O2", "-DV=1"]],
  ["new", ["-O2", "-DV=2"]],
];

const BLOAT_O_METER_MEMBER = "linux-source-6.12/scripts/bloat-o-meter";
const BLOAT_O_METER_TARBALL = "/usr/src/linux-source-6.12.tar.xz";

class DocError extends Error {}
class EnvironmentError extends Error {}

const openMarker = (id) => `<!-- sample:${id} -->`;
const closeMarker = (id) => `<!-- /sample:${id} -->`;

/**
 * The blocks of a doc: for each id, the offsets of the text between its
 * markers (each marker on a line of its own). Throws DocError when a marker
 * is missing, doubled, or the blocks are out of order (default BLOCK_ORDER).
 */
function findBlocks(doc, order = BLOCK_ORDER) {
  const blocks = new Map();
  let previousEnd = -1;
  for (const id of order) {
    const open = `${openMarker(id)}\n`;
    const close = `${closeMarker(id)}\n`;
    const start = doc.indexOf(open);
    const end = doc.indexOf(close);
    if (start < 0 || end < 0)
      throw new DocError(`${DOC}: missing ${start < 0 ? open.trim() : close.trim()}`);
    if (doc.indexOf(open, start + 1) >= 0 || doc.indexOf(close, end + 1) >= 0)
      throw new DocError(`${DOC}: ${open.trim()} or ${close.trim()} appears twice`);
    if (end < start || start < previousEnd)
      throw new DocError(`${DOC}: ${open.trim()} … ${close.trim()} out of place`);
    if (start > 0 && doc[start - 1] !== "\n")
      throw new DocError(`${DOC}: ${open.trim()} must start a line`);
    blocks.set(id, { start: start + open.length, end });
    previousEnd = end + close.length;
  }
  return blocks;
}

/** The `### NAME — \`COMMAND\`` headings of the page, in order. */
function sampleHeadings(doc) {
  const headings = [];
  for (const m of doc.matchAll(/^### (\S[^\n]*?) — `([^`\n]+)`$/gm))
    headings.push({ name: m[1], command: m[2] });
  return headings;
}

/**
 * The page with each block holding contents[id]: the whole of
 * docs/size-samples.md. Throws when a block's content is missing.
 */
function renderPage(contents) {
  const parts = PAGE.map((part) => {
    if (typeof part === "string") return `${part}\n`;
    if ("heading" in part) {
      const sample = SAMPLES.find((s) => s.id === part.heading);
      return `### ${sample.name} — \`${sample.command}\`\n`;
    }
    if (!(part.block in contents)) throw new Error(`no content for block ${part.block}`);
    return `${openMarker(part.block)}\n${contents[part.block]}${closeMarker(part.block)}\n`;
  });
  return parts.join("\n");
}

/** The content of every block of a page, by id (findBlocks' checks first). */
function blockContents(doc, order = BLOCK_ORDER) {
  const contents = {};
  for (const [id, { start, end }] of findBlocks(doc, order)) contents[id] = doc.slice(start, end);
  return contents;
}

/**
 * text as a fenced block in language fence; the fence is one backtick
 * longer than any run of backticks the text holds (at least three), so an
 * output with fences of its own (the markdown report) stays one block.
 */
function fenced(text, fence) {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${fence}\n${body}${ticks}\n`;
}

/** Runs argv[0] with argv[1..] in cwd; resolves to {code, stdout, stderr}. */
function run(argv, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => reject(new EnvironmentError(`${argv[0]}: ${e.message}`)));
    child.on("close", (code, signal) =>
      resolve({
        code: signal ? `signal ${signal}` : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** Like run, but a code other than 0 is an EnvironmentError. */
async function runOk(argv, cwd, env) {
  const r = await run(argv, cwd, env);
  if (r.code !== 0)
    throw new EnvironmentError(`${argv.join(" ")}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

/** Linux 6.12's scripts/bloat-o-meter: the tests' cache, else extracted into scratch. */
async function bloatOMeter(scratch, env) {
  const cache =
    process.env.REGCACHE_BLOAT_O_METER_CACHE ??
    path.join(os.homedir(), ".cache", "regcache", "bloat-o-meter", "6.12");
  const cached = path.join(cache, BLOAT_O_METER_MEMBER);
  if (fs.existsSync(cached)) return cached;
  if (!fs.existsSync(BLOAT_O_METER_TARBALL))
    throw new EnvironmentError(
      `bloat-o-meter: neither ${cached} nor ${BLOAT_O_METER_TARBALL} (Debian's linux-source-6.12) exists`,
    );
  const dir = path.join(scratch, ".bloat-o-meter");
  fs.mkdirSync(dir);
  await runOk(["tar", "-xJf", BLOAT_O_METER_TARBALL, "-C", dir, BLOAT_O_METER_MEMBER], dir, env);
  return path.join(dir, BLOAT_O_METER_MEMBER);
}

/**
 * The doc's claim about the objects sample: bloat-o-meter's header and Total
 * lines are regcache's, byte for byte, and its rows the changed rows, with
 * the same names, figures and order.
 */
function checkAgreement(regcacheText, bloatText) {
  const ours = regcacheText.split("\n");
  const theirs = bloatText.split("\n").filter((l) => l !== "");
  const header = theirs[0];
  const total = theirs[theirs.length - 1];
  if (!ours.includes(header) || !ours.includes(total))
    throw new EnvironmentError(`objects: bloat-o-meter's header or Total line is not regcache's`);
  const start = ours.indexOf(header) + 2;
  const ourRows = [];
  for (const line of ours.slice(start)) {
    const m = /^(\S+)\s+(\d+|—)\s+(\d+|—)\s+([+-]\d+)\s/.exec(line);
    if (!m) break;
    ourRows.push([m[1], m[2], m[3], Number(m[4])].join(" "));
  }
  const theirRows = theirs
    .slice(2, -1)
    .map((l) => l.trim().split(/\s+/))
    .map(([name, o, n, d]) =>
      [name, o === "-" ? "—" : o, n === "-" ? "—" : n, Number(d)].join(" "),
    );
  if (ourRows.join("\n") !== theirRows.join("\n"))
    throw new EnvironmentError(
      `objects: changed rows differ from bloat-o-meter's\n${ourRows.join("\n")}\nvs\n${theirRows.join("\n")}`,
    );
}

/** "`abc1234`" or "`abc1234` with uncommitted changes" (changes to the doc itself do not count). */
async function commitLine(env) {
  const head = (await runOk(["git", "rev-parse", "--short", "HEAD"], root, env)).stdout.trim();
  const status = await runOk(
    ["git", "status", "--porcelain", "--", ".", `:(exclude)${DOC}`],
    root,
    env,
  );
  return status.stdout.trim() === "" ? `\`${head}\`` : `\`${head}\` with uncommitted changes`;
}

/** Runs every sample in scratch; resolves to the new content of every block. */
async function measure(scratch) {
  const env = { ...process.env, NO_COLOR: "1", REGCACHE_CACHE_DIR: path.join(scratch, ".cache") };
  delete env.FORCE_COLOR;
  const work = path.join(scratch, "work");
  fs.mkdirSync(path.join(work, "spec"), { recursive: true });
  fs.copyFileSync(path.join(root, "regcache.config.yaml"), path.join(work, "regcache.config.yaml"));
  for (const f of fs.readdirSync(path.join(root, "spec")))
    fs.copyFileSync(path.join(root, "spec", f), path.join(work, "spec", f));
  fs.writeFileSync(path.join(work, "budget.yaml"), BUDGET_YAML);
  for (const [side, flags] of CLONES_BUILDS) {
    fs.mkdirSync(path.join(work, side));
    const object = path.join(work, side, "clones.o");
    await runOk(["gcc", ...flags, "-c", path.join(root, CLONES_SOURCE), "-o", object], work, env);
  }

  const contents = { "budget.yaml": fenced(BUDGET_YAML, "yaml") };
  const outputs = {};
  for (const sample of SAMPLES) {
    const [tool, ...args] = sample.command.split(" ");
    if (tool !== "regcache") throw new Error(`sample ${sample.id}: not a regcache command`);
    process.stderr.write(`size-samples: ${sample.command}\n`);
    const r = await run(
      [process.execPath, path.join(root, "bin", "regcache.js"), ...args],
      work,
      env,
    );
    if (r.code !== sample.exit)
      throw new EnvironmentError(
        `${sample.command}: exit ${r.code}, the sample shows exit ${sample.exit}\n${r.stderr}`,
      );
    let shown;
    if (sample.show === "stdout") shown = r.stdout;
    else if (sample.show === "stderr+exit") shown = `${r.stderr}exit code: ${r.code}\n`;
    else shown = fs.readFileSync(path.join(work, sample.show.slice("file:".length)), "utf8");
    outputs[sample.id] = shown;
    contents[sample.id] = fenced(shown, sample.fence);
  }

  const script = await bloatOMeter(scratch, env);
  const bloat = await runOk(["python3", script, ...BLOAT_O_METER_ARGS], work, env);
  checkAgreement(outputs.objects, bloat.stdout);
  contents["objects-bloat-o-meter"] = fenced(bloat.stdout, "");

  // The compilers each config ran, as its text report names them.
  const versions = [];
  for (const m of outputs.text.matchAll(/^== \S+ == (.+)$/gm))
    if (!versions.includes(m[1])) versions.push(m[1]);
  contents.run =
    `Every sample below is the unedited output of the command shown,\n` +
    `run at commit ${await commitLine(env)} on the development machine\n` +
    `(${versions.join(", ")}).\n`;
  return contents;
}

async function main() {
  const docPath = path.join(root, DOC);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-size-samples-"));
  const cleanUp = () => fs.rmSync(scratch, { recursive: true, force: true });
  const onSignal = (signal) => {
    cleanUp();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let contents;
  try {
    contents = await measure(scratch);
  } finally {
    cleanUp();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  const updated = renderPage(contents);
  const before = fs.existsSync(docPath) ? fs.readFileSync(docPath, "utf8") : undefined;
  if (updated === before) {
    process.stderr.write(`size-samples: ${DOC} unchanged\n`);
    return 0;
  }
  const tmp = `${docPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, updated);
  fs.renameSync(tmp, docPath);
  process.stderr.write(`size-samples: ${DOC} written\n`);
  return 0;
}

module.exports = {
  SAMPLES,
  CLONES_SOURCE,
  CLONES_BUILDS,
  BLOAT_O_METER_ARGS,
  EXTRA_BLOCKS,
  BLOCK_ORDER,
  PAGE,
  DOC,
  BUDGET_YAML,
  DocError,
  checkAgreement,
  findBlocks,
  sampleHeadings,
  renderPage,
  blockContents,
  fenced,
};

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`size-samples: ${e.message}\n`);
      process.exit(e instanceof EnvironmentError ? 3 : 1);
    },
  );
}

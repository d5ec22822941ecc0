/*
 * Every relative link in the project's markdown (README.md, docs/, runtime/,
 * BENCHMARKS.md: each tracked .md file) reaches a file or directory that
 * exists, and a link with a fragment (`docs/ci.md#regcache-check`) reaches a
 * heading of that file, slugged as GitHub slugs its rendered text, or an HTML
 * anchor; a target must be tracked (a fresh clone has it). Docs are
 * moved and headings renamed; a link left behind fails here. Links are read
 * with markdown-it, so code blocks and inline code are not taken for links.
 * External links (http:, https:, mailto:) are not fetched.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import GithubSlugger from "github-slugger";

const root = path.resolve(__dirname, "../..");
const md = new MarkdownIt({ html: true });

const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
  .split("\0")
  .filter((f) => f !== "");
const files = tracked.filter((f) => f.endsWith(".md") && fs.existsSync(path.join(root, f)));
/** A tracked file, or a directory holding one: what a fresh clone has. */
const inClone = (rel: string) =>
  tracked.includes(rel) || tracked.some((f) => f.startsWith(`${rel.replace(/\/$/, "")}/`));

interface Parsed {
  readonly links: string[];
  readonly anchors: Set<string>;
}

/** A heading's text as GitHub renders it (no markup, link targets or emphasis marks). */
const headingText = (inline: MarkdownIt.Token) =>
  (inline.children ?? [])
    .filter((c) => c.type === "text" || c.type === "code_inline")
    .map((c) => c.content)
    .join("");

function parse(file: string): Parsed {
  const tokens = md.parse(fs.readFileSync(path.join(root, file), "utf8"), {});
  const slugger = new GithubSlugger();
  const links: string[] = [];
  const anchors = new Set<string>();
  const htmlAnchor = /<a\s[^>]*(?:id|name)="([^"]+)"/g;
  const htmlLink = /<a\s[^>]*href="([^"]+)"/g;
  const html = (text: string) => {
    for (const m of text.matchAll(htmlAnchor)) anchors.add(m[1]!);
    for (const m of text.matchAll(htmlLink)) links.push(m[1]!);
  };
  tokens.forEach((t, i) => {
    if (t.type === "heading_open") anchors.add(slugger.slug(headingText(tokens[i + 1]!)));
    if (t.type === "html_block") html(t.content);
    for (const c of t.children ?? []) {
      if (c.type === "link_open") links.push(String(c.attrGet("href") ?? ""));
      if (c.type === "image") links.push(String(c.attrGet("src") ?? ""));
      if (c.type === "html_inline") html(c.content);
    }
  });
  return { links, anchors };
}

const parsed = new Map<string, Parsed>();
const parsedOf = (file: string): Parsed => {
  let p = parsed.get(file);
  if (!p) parsed.set(file, (p = parse(file)));
  return p;
};

const decoded = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

test("every relative link in the tracked markdown reaches a file and, with a fragment, a heading", () => {
  expect(files).toContain("README.md");
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const href of parsedOf(file).links) {
      if (/^(https?|mailto):/i.test(href)) continue;
      checked++;
      const [rawTarget = "", rawFragment] = href.split("#", 2);
      const target = decoded(rawTarget);
      const fragment = rawFragment === undefined ? undefined : decoded(rawFragment);
      if (target === undefined || (fragment === undefined && rawFragment !== undefined)) {
        broken.push(`${file}: ${href}: not a valid URL path`);
        continue;
      }
      const rel =
        target === ""
          ? file
          : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
      if (rel.startsWith("../") || !inClone(rel)) {
        broken.push(`${file}: ${href}: no such file in the repository`);
        continue;
      }
      if (fragment !== undefined && rel.endsWith(".md") && !parsedOf(rel).anchors.has(fragment))
        broken.push(`${file}: ${href}: ${rel} has no heading or anchor '${fragment}'`);
    }
  }
  // The check reads real links (a check that finds none checks nothing).
  expect(checked).toBeGreaterThan(50);
  expect(broken).toEqual([]);
  console.log(
    `doc links: ${checked} relative links in ${files.length} markdown files, all reached`,
  );
});

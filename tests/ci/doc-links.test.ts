/*
 * Every relative link in the project's markdown (README.md, docs/, runtime/,
 * BENCHMARKS.md: each tracked .md file) reaches a file or directory that
 * exists, and a link with a fragment (`docs/ci.md#regcache-check`) reaches a
 * heading of that file, slugged as GitHub slugs it, or an HTML anchor. Docs are
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

const files = execFileSync("git", ["ls-files", "-z", "--", "*.md"], { cwd: root, encoding: "utf8" })
  .split("\0")
  .filter((f) => f !== "" && fs.existsSync(path.join(root, f)));

interface Parsed {
  readonly links: string[];
  readonly anchors: Set<string>;
}

function parse(file: string): Parsed {
  const tokens = md.parse(fs.readFileSync(path.join(root, file), "utf8"), {});
  const slugger = new GithubSlugger();
  const links: string[] = [];
  const anchors = new Set<string>();
  const htmlAnchor = /<a\s[^>]*(?:id|name)="([^"]+)"/g;
  tokens.forEach((t, i) => {
    if (t.type === "heading_open") anchors.add(slugger.slug(tokens[i + 1]!.content));
    if (t.type === "html_block") for (const m of t.content.matchAll(htmlAnchor)) anchors.add(m[1]!);
    for (const c of t.children ?? []) {
      if (c.type === "link_open") links.push(String(c.attrGet("href") ?? ""));
      if (c.type === "html_inline")
        for (const m of c.content.matchAll(htmlAnchor)) anchors.add(m[1]!);
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

test("every relative link in the tracked markdown reaches a file and, with a fragment, a heading", () => {
  expect(files).toContain("README.md");
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const href of parsedOf(file).links) {
      if (/^(https?|mailto):/i.test(href)) continue;
      checked++;
      const [target = "", fragment] = href.split("#", 2);
      const rel =
        target === ""
          ? file
          : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(target)));
      if (rel.startsWith("../") || !fs.existsSync(path.join(root, rel))) {
        broken.push(`${file}: ${href}: no such file`);
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

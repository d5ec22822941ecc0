/*
 * The C-family targets' Handlebars (generator/targets/render/templates.ts):
 * reading a target's templates, the block comments the "comment" helper
 * prints (one line when short, else " * " lines wrapped at 80 columns, safe
 * whatever the text holds), the "continued" helper's backslash
 * continuations, and rendering: no HTML escaping, and a name the view lacks
 * is an error rather than an empty string; a spec's doc printed as written
 * (writtenComment: " * " lines, tabs and long lines kept).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  blockComment,
  readTemplates,
  render,
  writtenComment,
} from "../../../../generator/targets/render/templates";
import { displayWidth } from "../../../../generator/targets/render/layout";
import { tempDir } from "../../../helpers/temp";

const repoRoot = path.join(__dirname, "..", "..", "..", "..");

describe("readTemplates", () => {
  test("reads each named template from templates/, keeping its name", () => {
    const [t] = readTemplates(["kernel/kernel_block.h.hbs"]);
    expect(t!.name).toBe("kernel/kernel_block.h.hbs");
    expect(t!.text).toBe(
      fs.readFileSync(path.join(repoRoot, "templates", "kernel", "kernel_block.h.hbs"), "utf8"),
    );
  });

  test("reads from another directory, in the order named; a missing one throws the file system's error", () => {
    const dir = tempDir("templates");
    try {
      fs.mkdirSync(path.join(dir, "x"));
      fs.writeFileSync(path.join(dir, "x", "a.hbs"), "A");
      fs.writeFileSync(path.join(dir, "x", "b.hbs"), "B");
      expect(readTemplates(["x/b.hbs", "x/a.hbs"], dir)).toEqual([
        { name: "x/b.hbs", text: "B" },
        { name: "x/a.hbs", text: "A" },
      ]);
      expect(() => readTemplates(["x/c.hbs"], dir)).toThrow(
        expect.objectContaining({ code: "ENOENT", path: path.join(dir, "x", "c.hbs") }),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("blockComment", () => {
  test("a short text is one line", () => {
    expect(blockComment("rax: always available")).toBe("/* rax: always available */");
    expect(blockComment("indented", "\t")).toBe("\t/* indented */");
  });

  test("one line up to 80 columns; one more and it is a block", () => {
    const fits = "x".repeat(74);
    expect(blockComment(fits)).toBe(`/* ${fits} */`);
    expect(blockComment(fits + "x")).toBe(`/*\n * ${fits}x\n */`);
  });

  test("a long text is wrapped within 80 columns, indent included", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const out = blockComment(words, "\t").split("\n");
    expect(out[0]).toBe("\t/*");
    expect(out[out.length - 1]).toBe("\t */");
    for (const line of out) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(
      out
        .slice(1, -1)
        .map((l) => l.replace(/^\t \* /, ""))
        .join(" "),
    ).toBe(words);
  });

  test("lines are kept, blank ones too, but not at the end; tabs become spaces", () => {
    expect(blockComment("first\n\nthird\tpart\n\n")).toBe(
      ["/*", " * first", " *", " * third part", " */"].join("\n"),
    );
    expect(blockComment(["a", "b\nc"])).toBe(["/*", " * a", " * b", " * c", " */"].join("\n"));
  });

  test("no text: no comment", () => {
    expect(blockComment("")).toBe("");
    expect(blockComment(["", "\n"])).toBe("");
  });

  test("a text cannot end the comment early or spell a trigraph", () => {
    expect(blockComment("a */ int x; /* b ??/")).toBe("/* a * / int x; / * b ? ?/ */");
  });
});

describe("writtenComment", () => {
  test("every line as written, in the kernel's block style, even one short line", () => {
    expect(writtenComment("one")).toBe("/*\n * one\n */");
    const long = "y".repeat(100);
    expect(writtenComment(`avail\tdirty\n\n${long}`)).toBe(
      ["/*", " * avail\tdirty", " *", ` * ${long}`, " */"].join("\n"),
    );
  });

  test("blank lines around the text and trailing spaces are dropped", () => {
    expect(writtenComment("\n\nfirst  \nsecond\n\n")).toBe("/*\n * first\n * second\n */");
  });

  test("no text, or only blank lines: no comment", () => {
    expect(writtenComment("")).toBeUndefined();
    expect(writtenComment(" \n\t\n")).toBeUndefined();
  });

  test("control characters are made harmless", () => {
    expect(writtenComment("a\u202eb\rc")).toBe("/*\n * a b c\n */");
  });
});

describe("render", () => {
  const t = (text: string) => ({ name: "t.hbs", text });

  test("prints values as they are: C is not HTML", () => {
    expect(render(t("{{a}} {{{b}}}"), { a: "x < y && z", b: "&amp;" })).toBe("x < y && z &amp;");
  });

  test("a name the view does not have is an error, not an empty string", () => {
    expect(() => render(t("{{missing}}"), {})).toThrow(/missing/);
  });

  test("the comment helper, with the templates' written \\t as a tab", () => {
    expect(render(t('{{comment doc}}\n{{comment doc "\\t"}}'), { doc: "hello" })).toBe(
      "/* hello */\n\t/* hello */",
    );
    expect(render(t("{{comment lines}}"), { lines: ["a", "b"] })).toBe("/*\n * a\n * b\n */");
  });

  test("the continued helper ends every line of its block but the last with an aligned backslash", () => {
    const out = render(t("{{#continued}}\n#define {{name}}(x)\n\t(x + 1)\n{{/continued}}"), {
      name: "INC",
    });
    expect(out).toBe("#define INC(x)\t\t\t\t\t\t\t\t\\\n\t(x + 1)\n");
  });

  test("one template renders each view it is given", () => {
    const template = t("{{n}}");
    expect([1, 2, 3].map((n) => render(template, { n }))).toEqual(["1", "2", "3"]);
    expect(render({ name: "other.hbs", text: "{{n}}" }, { n: 4 })).toBe("4");
  });
});

/*
 * The C-family targets' Handlebars: reading a target's templates from
 * templates/<target>/, one Handlebars environment with the formatting helpers
 * ("comment", "continued"), and compiled templates kept by source text.
 * Helpers only format; every choice a template prints is in its view. Reads
 * the template files; rendering is pure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type HandlebarsNamespace from "handlebars";
import { commentSafe } from "../banner";
import type { TemplateSource } from "../types";
import { templatesDir } from "../../util/paths";
import { wrap } from "../../util/text";
import { continueLines, displayWidth } from "./layout";

/** The named templates below templates/, read now; a read error is thrown as the file system's. */
export function readTemplates(names: readonly string[], dir = templatesDir()): TemplateSource[] {
  return names.map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") }));
}

/** A block comment, one " * " line per source line, wrapped at 80 columns; short text stays on one line. */
export function blockComment(text: string | readonly string[], indent = ""): string {
  const width = 80 - displayWidth(indent) - 3;
  const lines = (typeof text === "string" ? text.split("\n") : text.flatMap((t) => t.split("\n")))
    .map((l) => commentSafe(l.replace(/\t/g, " ")).trimEnd())
    .flatMap((l) => (l ? wrap(l, width) : [l]));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return "";
  const single = `${indent}/* ${lines[0]} */`;
  if (lines.length === 1 && displayWidth(single) <= 80) return single;
  return [
    `${indent}/*`,
    ...lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)),
    `${indent} */`,
  ].join("\n");
}

/**
 * A spec's doc printed as written, in the kernel's block-comment style: an
 * opening line, one " * " line per line of the text (" *" for a blank one;
 * tabs kept, nothing re-wrapped), a closing line. Blank lines around the text are
 * dropped; undefined when nothing is left. The spec check has refused a
 * text that would close the comment (RC157); commentSafe still neutralises
 * control characters.
 */
export function writtenComment(text: string): string | undefined {
  const lines = text.split("\n").map((l) => commentSafe(l).trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return undefined;
  return ["/*", ...lines.map((l) => (l ? ` * ${l}` : " *")), " */"].join("\n");
}

function createEnvironment(): typeof HandlebarsNamespace {
  // Loaded here, not at the top: a run that reuses its output never renders.
  const hb = (require("handlebars") as typeof HandlebarsNamespace).create();
  hb.registerHelper("comment", (text: unknown, indent: unknown) =>
    blockComment(
      Array.isArray(text) ? (text as string[]) : String(text ?? ""),
      // Handlebars string literals have no escapes: the templates' "\t" arrives as backslash-t.
      typeof indent === "string" ? indent.replace(/\\t/g, "\t") : "",
    ),
  );
  hb.registerHelper(
    "continued",
    function (this: unknown, options: HandlebarsNamespace.HelperOptions) {
      const inner = options.fn(this).replace(/\n$/, "");
      return continueLines(inner.split("\n")) + "\n";
    },
  );
  return hb;
}

let environment: typeof HandlebarsNamespace | undefined;
/** Compiled templates by source text: watch, size --explain and tests render the same ones often. */
const compiled = new Map<string, HandlebarsNamespace.TemplateDelegate>();

function compiledTemplate(text: string): HandlebarsNamespace.TemplateDelegate {
  let template = compiled.get(text);
  if (!template) {
    environment ??= createEnvironment();
    template = environment.compile(text, { noEscape: true, strict: true });
    compiled.set(text, template);
  }
  return template;
}

/** Renders a template over a view. */
export const render = (template: TemplateSource, view: Record<string, unknown>): string =>
  compiledTemplate(template.text)(view);

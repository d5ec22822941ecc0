/*
 * The changelog format: the figures as a kernel commit message quotes them,
 * ready to paste below a patch's subject. One paragraph per measured config,
 * plain ASCII text wrapped at CHANGELOG_WIDTH columns: the functions that
 * changed most, each from its base to its head size in bytes, how many other
 * symbols changed, and the total. Pure.
 *
 *   With gcc-O2 (gcc 12.2.0), kvm_emulate_cpuid() shrinks from 342 to 182
 *   bytes and kvm_emulate_hypercall() from 1362 to 1143. In total the
 *   measured code shrinks by 379 bytes, from 2166 to 1787 (-17.5%).
 */
import type { ConfigReport, FunctionRow, SizeReport } from "../report/report";
import { ASCII_MINUS, formatPercent, plural } from "../report/figures";
import { byCodeUnit } from "../../util/order";

/** A commit message's width: `git log` indents it by 4, and 75 + 4 stays under 80. */
export const CHANGELOG_WIDTH = 75;
/** Functions named per paragraph, the largest changes (by bytes either way). */
export const CHANGELOG_NAMED = 3;

/** Words joined into lines of at most `width` columns; a word longer than that is cut. */
export function wrap(text: string, width: number = CHANGELOG_WIDTH): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter((w) => w !== "")) {
    while (word.length > width) {
      if (line !== "") lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = "";
    }
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const verbOf = (row: FunctionRow) => (row.delta < 0 ? "shrinks" : "grows");

/** The named changes: "f() shrinks from 342 to 182 bytes and g() from 1362 to 1143". */
function namedChanges(rows: readonly FunctionRow[]): string {
  let previous: string | undefined;
  const phrases = rows.map((row, i) => {
    const name = `${row.name}()`;
    if (row.base === null) return `${name} is added (${row.head} bytes)`;
    if (row.head === null) return `${name} is removed (${row.base} bytes)`;
    const verb = verbOf(row);
    const sameVerb = verb === previous;
    previous = verb;
    return `${name}${sameVerb ? "" : ` ${verb}`} from ${row.base} to ${row.head}${i === 0 ? " bytes" : ""}`;
  });
  return list(phrases);
}

/** Who measured: "gcc-O2 (gcc 12.2.0, retpolines)"; an --objects report has no compiler. */
function configLabel(config: ConfigReport): string {
  const details = [
    ...(config.compilerVersion !== "" ? [config.compilerVersion] : []),
    ...(config.retpoline ? ["retpolines"] : []),
  ];
  return `${config.name}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

/** One config's paragraph, unwrapped. */
export function configParagraph(config: ConfigReport, objects: boolean): string {
  const changed = config.functions.filter((r) => r.delta !== 0);
  const functions = changed.filter((r) => r.kind === "function");
  const named = [...functions]
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || byCodeUnit(a.name, b.name))
    .slice(0, CHANGELOG_NAMED);
  const opening = objects ? "Between the two builds" : `With ${configLabel(config)}`;
  const sentences: string[] = [];
  if (named.length > 0) sentences.push(`${opening}, ${namedChanges(named)}.`);
  else
    sentences.push(
      `${opening}, no function changes size${changed.length > 0 ? "" : " and neither does any data"}.`,
    );
  const otherFunctions = functions.length - named.length;
  const otherData = changed.length - functions.length;
  const others = [
    ...(otherFunctions > 0 ? [`${plural(otherFunctions, "other function")}`] : []),
    ...(otherData > 0 ? [plural(otherData, "data symbol")] : []),
  ];
  if (others.length > 0)
    sentences.push(
      `${list(others)} change${otherFunctions + otherData === 1 ? "s" : ""} size as well.`,
    );
  const { base, head, delta, percent } = config.total;
  const percentText = percent === null ? "" : ` (${formatPercent(percent, 1, ASCII_MINUS)})`;
  sentences.push(
    delta === 0
      ? `In total the measured code stays at ${plural(base, "byte")}.`
      : `In total the measured code ${delta < 0 ? "shrinks" : "grows"} by ${plural(Math.abs(delta), "byte")}, from ${base} to ${head}${percentText}.`,
  );
  return sentences.join(" ");
}

export function formatChangelog(report: SizeReport): string {
  if (report.configs.length === 0) return "No config was measured.\n";
  const paragraphs = report.configs.map((config) =>
    wrap(configParagraph(config, report.objects !== undefined)).join("\n"),
  );
  return paragraphs.join("\n\n") + "\n";
}

/*
 * The drift check as a pure comparison: the files the spec produces, beside
 * what the output directory holds, give one finding per file that differs.
 * The banner's body hash says why a file differs: it is what the body was
 * when regcache wrote it, so a body that no longer matches it was edited by
 * hand, and a hash other than that of the body produced now means the spec's
 * output changed (a file can be both). Reading the disk is the caller's
 * job (writer.readOutputTree); the diff library loads only when a file differs.
 */
import type { GeneratedFile, TargetName } from "../targets/types";
import { parseBanner, sha256 } from "../targets/banner";
import type { OutputTree } from "./writer";
import { byCodeUnit } from "../util/order";

export type FileStatus = "modified" | "missing" | "stale";

/** Why a file on disk is not what the spec produces. */
export type Cause =
  /**
   * The body its banner records is not the body produced now: the spec,
   * templates, generator or options changed what the file says.
   */
  | "inputs-changed"
  /** Its body no longer matches the body hash in its own banner. */
  | "hand-edited"
  /** It has no (intact) regcache banner at all. */
  | "no-banner"
  /** Only the line endings differ (a checkout converted them to CRLF). */
  | "line-endings"
  /** Same inputs, intact body, yet the banner differs: another --spec path or --out. */
  | "banner-differs";

export type Finding = {
  /** Below the output directory, forward slashes. */
  readonly path: string;
  /** Empty for missing files. */
  readonly causes: readonly Cause[];
  /** A unified diff from disk to what the spec produces (modified files, when asked for). */
  readonly diff?: string;
} & (
  | {
      readonly status: "modified" | "missing";
      /** The target that produces it, whose inputs say why it differs. */
      readonly target: TargetName;
    }
  | { readonly status: "stale" }
);

export interface CheckReport {
  /** Sorted by path; empty when the output is in step. */
  readonly findings: readonly Finding[];
  /** Produced files whose bytes on disk are exactly right. */
  readonly unchanged: readonly string[];
}

export interface CompareOptions {
  /** Whether to compute diffs for modified files. */
  readonly diffs: boolean;
  /** How a path below the output directory is named in diff headers, e.g. "generated/c/kvm_regs.h". */
  readonly label: (path: string) => string;
  /** The target that produced each file, by path (GenerateResult.targetOf). */
  readonly targetOf: Readonly<Record<string, TargetName>>;
}

/** A file as it would read with LF line endings (a checkout may have converted it to CRLF). */
const lfOf = (text: string): string => text.replace(/\r\n/g, "\n");

export const isHandEdited = (text: string): boolean => {
  const banner = parseBanner(lfOf(text));
  return banner !== undefined && sha256(banner.body) !== banner.bodyHash;
};

/** Why `current` (on disk) is not `wanted` (what the spec produces now, banner and all). */
export function causesOf(current: string, wanted: string): Cause[] {
  // The banner and the body hash are read as if the file had LF line endings, so a
  // converted file is judged on what else differs; its line endings are a cause of their own.
  const lf = lfOf(current);
  if (lf === wanted) return ["line-endings"];
  const crlf: Cause[] = lf !== current ? ["line-endings"] : [];
  const banner = parseBanner(lf);
  if (!banner) return ["no-banner", ...crlf];
  const causes: Cause[] = [];
  // The body regcache wrote (its banner's hash) is not the body the inputs produce now.
  if (banner.bodyHash !== parseBanner(wanted)?.bodyHash) causes.push("inputs-changed");
  if (sha256(banner.body) !== banner.bodyHash) causes.push("hand-edited");
  return [...(causes.length > 0 ? causes : ["banner-differs" as const]), ...crlf];
}

/** Compares what the spec produces with what the output directory holds. */
export function compareOutput(
  produced: readonly GeneratedFile[],
  tree: OutputTree,
  options: CompareOptions,
): CheckReport {
  const findings: Finding[] = [];
  const unchanged: string[] = [];
  for (const file of produced) {
    const current = tree.current.get(file.path);
    const target = options.targetOf[file.path];
    if (current === undefined) {
      findings.push({ path: file.path, status: "missing", target, causes: [] });
    } else if (current === file.contents) {
      unchanged.push(file.path);
    } else {
      const label = options.label(file.path);
      findings.push({
        path: file.path,
        status: "modified",
        target,
        causes: causesOf(current, file.contents),
        ...(options.diffs ? { diff: unifiedDiff(label, current, file.contents) } : {}),
      });
    }
  }
  for (const s of tree.stale) {
    findings.push({
      path: s.path,
      status: "stale",
      causes: isHandEdited(s.current) ? ["hand-edited"] : [],
    });
  }
  findings.sort((a, b) => byCodeUnit(a.path, b.path));
  return { findings, unchanged: unchanged.sort() };
}

/** `diff -u a/<label> b/<label>`: disk on the minus side, the spec's output on the plus side. */
export function unifiedDiff(label: string, onDisk: string, wanted: string): string {
  // Loaded here, not at the top: a check that finds nothing never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { structuredPatch } = require("diff") as typeof import("diff");
  const patch = structuredPatch(`a/${label}`, `b/${label}`, onDisk, wanted, undefined, undefined, {
    context: 3,
  });
  const lines = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    lines.push(...h.lines);
  }
  return lines.join("\n") + "\n";
}

/** A hunk range as diff -u prints it: an empty side names the line before it ("-0,0"). */
const range = (start: number, count: number): string =>
  count === 1 ? String(start) : count === 0 ? `${start - 1},0` : `${start},${count}`;

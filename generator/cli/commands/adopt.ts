/*
 * `regcache adopt [--spec FILE|NAME] [--tree DIR] [--dry-run] [--revert]`:
 * adopts the spec's generated register cache in a kernel tree (adopt/adopt.ts)
 * or undoes it (adopt/revert.ts). The tree is --tree, else the nearest
 * directory at or above the working directory holding arch/x86/kvm/ and a
 * Makefile; the spec is --spec, else the project file's. Everything is
 * checked before the first write.
 */
import * as path from "node:path";
import type { Argv } from "yargs";
import { adoptionOutDir, adoptTree, STORE_DIR, type AdoptOutcome } from "../../adopt/adopt";
import { revertTree } from "../../adopt/revert";
import { findKernelTop, isKernelTop } from "../../adopt/tree";
import { ExitCode, type Io } from "../io";
import {
  displayPathOf,
  locate,
  noSpecProblem,
  printDiagnostics,
  projectOrProblem,
  specOf,
} from "../common";
import type { Prepared } from "../usage";

export interface AdoptArgs {
  readonly spec?: string;
  readonly tree?: string;
  readonly dryRun: boolean;
  readonly revert: boolean;
  /** Set by prepare: the tree's top (absolute) and the project file's directory, if any. */
  readonly root?: string;
  readonly anchor?: string;
}

export function builder(y: Argv): Argv<AdoptArgs> {
  return y
    .option("spec", {
      type: "string",
      describe:
        "Kernel spec to adopt (a file, or a bundled spec's name: linux-6.12; default: the project file's 'spec')",
    })
    .option("tree", {
      type: "string",
      describe:
        "The kernel tree's top (default: the nearest directory at or above the working directory holding arch/x86/kvm/ and a Makefile)",
    })
    .option("dry-run", {
      type: "boolean",
      default: false,
      describe:
        "Print the change as a unified diff (patch -p1 applies it from the tree's top), write nothing",
    })
    .option("revert", {
      type: "boolean",
      default: false,
      describe: `Restore every file adopt changed, byte for byte, from the originals it keeps in the tree's ${STORE_DIR}/, and remove the files it created`,
    })
    .example(
      "$0 adopt --spec linux-6.12",
      "In a Linux 6.12 tree: generate, include, check the sets",
    )
    .example("$0 adopt --spec linux-7.2 --tree ~/linux --dry-run", "The patch, on standard output")
    .example(
      "$0 adopt --revert",
      "The tree as it was before adoption",
    ) as unknown as Argv<AdoptArgs>;
}

/**
 * The tree and (unless reverting) the spec must be known before anything is
 * read. The project file is the tree's (found from its top, walking up): its
 * directory anchors the banner's paths as it does for `regcache generate`,
 * so what adopt writes is what generate and check expect there.
 */
export function prepare(args: AdoptArgs, io: Io): Prepared<AdoptArgs> {
  let root: string | undefined;
  if (args.tree !== undefined) {
    root = path.resolve(io.cwd, args.tree);
    if (!isKernelTop(root))
      return {
        ok: false,
        message: `--tree ${args.tree}: not a kernel tree's top (no arch/x86/kvm/ and Makefile there)`,
      };
  } else {
    root = findKernelTop(io.cwd);
    if (root === undefined)
      return {
        ok: false,
        message: `no kernel tree at or above ${displayPathOf(io, io.cwd)} (a directory holding arch/x86/kvm/ and a Makefile)`,
        help: "run regcache adopt inside a kernel tree, or name its top with --tree DIR",
      };
  }
  // A revert needs no spec: the store says what to restore, whatever the project file says now.
  if (args.revert) return { ok: true, args: { ...args, root } };
  const loaded = projectOrProblem({ ...io, cwd: root });
  if (!loaded.ok) return loaded;
  const anchor = loaded.project?.dir;
  const spec = specOf(io, args.spec, loaded.project);
  if (spec === undefined)
    return noSpecProblem(displayPathOf(io, root), "--spec FILE|NAME", "'spec: linux-6.12'");
  return { ok: true, args: { ...args, spec, root, ...(anchor ? { anchor } : {}) } };
}

export async function run(args: AdoptArgs, io: Io): Promise<number> {
  const root = args.root!;
  const display = (file: string) => displayPathOf(io, file) || ".";
  let outcome: AdoptOutcome;
  if (args.revert) outcome = revertTree({ root, dryRun: args.dryRun, display });
  else {
    const where = locate(io, args.spec!, adoptionOutDir(root), args.anchor);
    outcome = adoptTree({
      root,
      dryRun: args.dryRun,
      display,
      generate: {
        specPath: where.specPath,
        displayPath: where.displayPath,
        bannerSpecPath: where.bannerSpecPath,
        ...(where.bundled ? { bundledSpec: where.bundled } : {}),
        outDir: where.bannerOutPath,
      },
    });
  }
  switch (outcome.kind) {
    case "invalid":
      printDiagnostics(io, outcome.diagnostics);
      return ExitCode.invalidInput;
    case "refused":
    case "failed":
      io.stderr(`regcache: error: ${outcome.message}\n`);
      io.stderr(
        `  = help: ${outcome.help}${outcome.kind === "refused" ? "; nothing was written" : ""}\n`,
      );
      return outcome.kind === "failed" ? ExitCode.environment : ExitCode.invalidInput;
    case "done":
      break;
  }
  const tree = display(root);
  if (args.dryRun) {
    io.stdout(outcome.diff);
    if (outcome.diff === "") io.stderr(`regcache adopt: ${tree}: nothing would change\n`);
    return ExitCode.ok;
  }
  const changed = outcome.files.filter((f) => f.action !== "unchanged");
  if (changed.length === 0) {
    io.stdout(`${tree}: adopted already; nothing changed\n`);
    return ExitCode.ok;
  }
  for (const f of changed) io.stdout(`${f.action.padEnd(7)} ${f.path}\n`);
  io.stdout(
    args.revert
      ? `${tree}: reverted; ${STORE_DIR}/ removed\n`
      : `${tree}: adopted; the originals are kept in ${STORE_DIR}/ (regcache adopt --revert restores them)\n`,
  );
  return ExitCode.ok;
}

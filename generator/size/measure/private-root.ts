/*
 * The private root a size run compiles under, the handler suite's and a
 * tree's alike: a scratch directory, removed when the work is done, or
 * --keep DIR, cleared first of what an earlier --keep run recorded there and
 * recorded again afterwards, so the same run can be repeated into the same
 * directory (inputs/output.ts). Edge: makes, clears and records directories.
 */
import * as fs from "fs";
import * as path from "path";
import { makeScratchDir, type ScratchDir } from "../../toolchain/scratch";
import { prepareKeepDir, recordKeepDir } from "../inputs/output";
import { failure, type SizeFailure } from "../outcome";
import { makeDirs } from "../../util/make-dirs";

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/**
 * Runs `work` in the private root. A root that cannot be made or written is
 * an environment failure naming it; a --keep DIR refused since it was checked
 * is invalid input, and nothing in it is removed or recorded.
 */
export async function inPrivateRoot<T extends { readonly ok: boolean }>(
  options: { readonly cwd: string; readonly keep?: string },
  work: (root: string) => Promise<T>,
): Promise<T | SizeFailure> {
  const { keep } = options;
  let scratch: ScratchDir | undefined;
  if (keep === undefined) {
    try {
      scratch = makeScratchDir("regcache-size-");
    } catch (err) {
      return failure("environment", {
        messages: [`cannot make a scratch directory: ${codeOf(err)}`],
      });
    }
  }
  const root = scratch ? scratch.path : path.resolve(options.cwd, keep!);
  let ours = false;
  let result: T | SizeFailure;
  try {
    if (keep !== undefined) {
      const problem = prepareKeepDir(options.cwd, keep);
      if (problem) return failure("invalid-input", { problems: [problem] });
    }
    ours = true;
    makeDirs(root);
    result = await work(root);
  } catch (err) {
    result = failure("environment", { messages: [`cannot write under ${root}: ${codeOf(err)}`] });
  }
  if (scratch) scratch.remove();
  else if (ours && fs.existsSync(root)) {
    // Recorded even when the work failed: the next run clears what this one left.
    try {
      recordKeepDir(root);
    } catch (err) {
      if (result.ok)
        result = failure("environment", {
          messages: [`cannot write under ${root}: ${codeOf(err)}`],
        });
    }
  }
  return result;
}

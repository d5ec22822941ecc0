/*
 * Every target by name: the one list generation walks. A target's libraries
 * (Handlebars, ts-morph, prettier) load only when it renders, so importing
 * this list costs none of them.
 */
import { cTarget } from "./c";
import { kernelTarget } from "./kernel";
import { tsTarget } from "./ts";
import type { Target, TargetName } from "./types";

export const TARGETS: Readonly<Record<TargetName, Target>> = {
  c: cTarget,
  kernel: kernelTarget,
  ts: tsTarget,
};

/*
 * Catalog entries of the kernel adoption (RC700–RC799; the ranges are in
 * catalog.ts): finding the register-cache block in a kernel's header so the
 * generated one can stand in for it, and the backend set macros the
 * generated checks are called on. Data only.
 */
import { error } from "./entry";

export const adoptEntries = {
  RC700: error(
    "no register-cache block: found no definition of {0}{1}",
    "pass the kernel's arch/x86/kvm/{2} (the block starts at the definition of {0})",
  ),
  RC701: error(
    "'#define {0}' appears {1} times",
    "the block must start at exactly one {0} macro definition; remove the extra ones",
  ),
  RC702: error(
    "no definition of {0}() after {1}",
    "the block ends with the closing brace of {0}(); the header must define it after {1}",
  ),
  RC703: error(
    "the body of {0}() never closes: no matching '}' before the end of the file",
    "check the braces, comments and strings between this '{' and the end of the file",
  ),
  RC704: error(
    "the tree has no arch/x86/kvm/{0}, the header the spec's output.adopts names",
    "adopt a tree of the kernel the spec describes (its output.adopts.header is {0}), or pass --spec for this tree's kernel",
  ),
  RC705: error(
    "'#define {0}' appears {1} times in the tree, not once (the spec's backend '{2}')",
    "the spec's backends must be the tree's: each backend's set macro defined exactly once below arch/x86/kvm/",
  ),
} as const;

/*
 * The maintainers' comments import finds in the real trees' register-cache
 * headers (generator/import/header.ts on the cached, pristine Debian 6.1,
 * 6.12 and 7.2 sources, only read; nothing is built): which comment sites
 * have a comment of the tree's own, and which none. A series whose tree is
 * not in the cache is skipped. No kernel text is quoted here: the sites are
 * named, and each found comment is checked to be the tree's (its first
 * words stand in the header right where they were found).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readHeader } from "../../generator/import/header";
import { kernelCacheDir, SERIES } from "./trees";

const GPRS = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"];
const GPRS_64 = ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
const EXTENDED = ["pdptr", "cr0", "cr3", "cr4", "rflags", "segments", "exit_info_1", "exit_info_2"];

/** The cached pristine source of a series, or undefined when the cache has none. */
function sourceOf(series: string): string | undefined {
  const cache = kernelCacheDir();
  if (!fs.existsSync(cache)) return undefined;
  const entry = fs
    .readdirSync(cache)
    .filter((d) => d.startsWith(`linux-source-${series}_`))
    .sort()
    .pop();
  return entry && fs.existsSync(path.join(cache, entry, "tree.json"))
    ? path.join(cache, entry, "linux")
    : undefined;
}

/** Per series: the sites with a comment of the tree's own; every other site has none. */
const WANT: Record<string, { readonly commented: readonly string[]; readonly accessors: 0 }> = {
  "6.1": {
    commented: ["kvm_register_is_available", "kvm_register_read_raw"],
    accessors: 0,
  },
  "6.12": {
    commented: [
      "kvm_register_is_available",
      "kvm_register_test_and_mark_available",
      "kvm_register_read_raw",
    ],
    accessors: 0,
  },
  "7.2": {
    commented: [
      "kvm_assert_register_caching_allowed",
      "kvm_register_is_available",
      "kvm_register_test_and_mark_available",
      "kvm_clear_available_registers",
      "kvm_register_read_raw",
    ],
    accessors: 0,
  },
};

describe.each(Object.keys(WANT))("Linux %s's register-cache header", (series) => {
  const src = sourceOf(series);
  const run = src ? it : it.skip;

  run("import finds the maintainers' comment at these sites, and none at the others", () => {
    const header = SERIES[series]!.header;
    const text = fs.readFileSync(path.join(src!, header), "utf8");
    const v72 = series === "7.2";
    const facts = readHeader({
      name: path.basename(header),
      text,
      enum: v72
        ? {
            gprPrefix: "VCPU_REGS_",
            extendedPrefix: "VCPU_REG_",
            gprCount: "NR_VCPU_GENERAL_PURPOSE_REGS",
          }
        : { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_", gprCount: "NR_VCPU_REGS" },
      gpr: [...GPRS, ...GPRS_64, ...(v72 ? [] : ["rip"])].map((name) => ({ name })),
      extended: [...(v72 ? ["rip"] : []), ...EXTENDED].map((name) => ({ name })),
    });
    const docs = facts.api.docs;
    const commented = Object.keys(docs).filter((site) => docs[site] !== "");
    expect(commented).toEqual(WANT[series]!.commented);
    for (const site of commented) {
      // The comment's first line is the tree's text, word for word.
      const first = docs[site]!.split("\n")[0]!;
      expect(first.length).toBeGreaterThan(10);
      expect(text).toContain(first);
    }
    const docced = facts.accessors.filter((a) => typeof a !== "string" && a.doc !== undefined);
    expect(docced.length).toBe(WANT[series]!.accessors);
  });
});

/*
 * An adopted tree keeps its maintainers' words: `regcache import` on a
 * synthetic tree (Linux 6.12's and 7.2's shapes, each with comments of its
 * own) writes each comment into the spec, `regcache generate` prints each in
 * place, and `regcache adopt` with that spec leaves the tree's header
 * including a block whose comment at every site is the tree's own text, and
 * none where the tree had none.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../helpers/capture";
import { FIXTURE, FIXTURE_7_2, syntheticTree } from "./synthetic-tree";

/**
 * The lines of the block comment that ends right above the first line
 * starting with `head` (undefined when the line above is no comment's end),
 * each line's leading indentation taken off.
 */
function commentAbove(text: string, head: string): string | undefined {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(head));
  if (at < 0) throw new Error(`no line starts with ${head}`);
  if (!lines[at - 1]!.trimEnd().endsWith("*/")) return undefined;
  let from = at - 1;
  while (!lines[from]!.trimStart().startsWith("/*")) from--;
  return lines
    .slice(from, at)
    .map((l) => l.replace(/^\t+/, ""))
    .join("\n");
}

/** Each comment site: the line its definition starts with, in the tree and in the block. */
interface Site {
  readonly name: string;
  readonly tree: string;
  readonly block: string;
}
const fn = (name: string, tree: string, block = tree): Site => ({ name, tree, block });

const SITES_6_12: readonly Site[] = [
  fn("kvm_register_is_available", "static inline bool kvm_register_is_available("),
  fn("kvm_register_is_dirty", "static inline bool kvm_register_is_dirty("),
  fn("kvm_register_mark_available", "static inline void kvm_register_mark_available("),
  fn("kvm_register_mark_dirty", "static inline void kvm_register_mark_dirty("),
  fn(
    "kvm_register_test_and_mark_available",
    "static __always_inline bool kvm_register_test_and_mark_available(",
  ),
  fn("kvm_register_read_raw", "static inline unsigned long kvm_register_read_raw("),
  fn("kvm_register_write_raw", "static inline void kvm_register_write_raw("),
  fn("kvm_read_edx_eax", "static inline u64 kvm_read_edx_eax("),
  fn("pdptr's accessors", "static inline u64 kvm_pdptr_read("),
  fn("cr0's accessors", "static inline ulong kvm_read_cr0_bits("),
  fn("cr4's accessors", "static inline ulong kvm_read_cr4_bits("),
  fn("cr3's accessors", "static inline ulong kvm_read_cr3("),
];

const SITES_7_2: readonly Site[] = [
  fn("the assertion macro", "#define kvm_assert_register_caching_allowed"),
  fn("kvm_register_is_available", "static inline bool kvm_register_is_available("),
  fn("kvm_register_is_dirty", "static inline bool kvm_register_is_dirty("),
  fn("kvm_register_mark_for_reload", "static inline void kvm_register_mark_for_reload("),
  fn("kvm_register_mark_available", "static inline void kvm_register_mark_available("),
  fn("kvm_register_mark_dirty", "static inline void kvm_register_mark_dirty("),
  fn(
    "kvm_register_test_and_mark_available",
    "static __always_inline bool kvm_register_test_and_mark_available(",
  ),
  fn("kvm_reset_dirty_registers", "static __always_inline void kvm_reset_dirty_registers("),
  fn("kvm_register_read_raw", "static inline unsigned long kvm_register_read_raw("),
  fn("kvm_register_read", "static inline unsigned long kvm_register_read("),
  fn("kvm_register_write_raw", "static inline void kvm_register_write_raw("),
  fn("kvm_register_write", "static inline void kvm_register_write("),
  fn("kvm_read_edx_eax", "static inline u64 kvm_read_edx_eax("),
  fn("pdptr's accessors", "static inline u64 kvm_pdptr_read("),
  fn("cr0's accessors", "static inline ulong kvm_read_cr0_bits("),
  fn("cr3's accessors", "static inline ulong kvm_read_cr3("),
];

describe.each([
  ["Linux 6.12's shape", FIXTURE, "kvm_cache_regs.h", "kvm_cache_regs_gen.h", SITES_6_12],
  ["Linux 7.2's shape", FIXTURE_7_2, "regs.h", "regs_gen.h", SITES_7_2],
])("%s: import → generate → adopt", (_shape, fixture, header, generated, sites) => {
  let tree: ReturnType<typeof syntheticTree>;
  let original: string;
  let block: string;
  beforeEach(async () => {
    tree = syntheticTree({ fixture });
    const kvm = path.join(tree.src, "arch/x86/kvm");
    original = fs.readFileSync(path.join(kvm, header), "utf8");
    const spec = path.join(tree.root, "kernel.yaml");
    const imported = await runCli(["import", "--compile-commands", tree.db, "--out", spec]);
    expect(imported.code).toBe(0);
    const out = path.join(tree.root, "gen");
    expect((await runCli(["generate", "--spec", spec, "--out", out])).code).toBe(0);
    block = fs.readFileSync(path.join(out, generated), "utf8");
    expect((await runCli(["adopt", "--spec", spec, "--tree", tree.src])).code).toBe(0);
  });
  afterEach(() => tree.cleanup());

  it("every site's comment in the block is the tree's own, byte for byte, or none as in the tree", () => {
    const commented = sites.filter((s) => commentAbove(original, s.tree) !== undefined);
    // The fixture has comments to carry and sites without one.
    expect(commented.length).toBeGreaterThan(3);
    expect(commented.length).toBeLessThan(sites.length);
    for (const site of sites)
      expect([site.name, commentAbove(block, site.block)]).toEqual([
        site.name,
        commentAbove(original, site.tree),
      ]);
  });

  it("adopt leaves the tree including that block, its comments in place", () => {
    const kvm = path.join(tree.src, "arch/x86/kvm");
    expect(fs.readFileSync(path.join(kvm, header), "utf8")).toContain(`#include "${generated}"`);
    const adopted = fs.readFileSync(path.join(kvm, generated), "utf8");
    for (const site of sites)
      expect([site.name, commentAbove(adopted, site.block)]).toEqual([
        site.name,
        commentAbove(original, site.tree),
      ]);
    // No comment of regcache's own is left in the block but the adoption's set checks.
    expect(adopted).not.toMatch(/The cached path|One bit per register|An arch bit operation/);
  });
});

it("Linux 7.2's shape: the comment inside kvm_clear_available_registers is printed above it", async () => {
  const tree = syntheticTree({ fixture: FIXTURE_7_2 });
  try {
    const spec = path.join(tree.root, "kernel.yaml");
    expect((await runCli(["import", "--compile-commands", tree.db, "--out", spec])).code).toBe(0);
    const out = path.join(tree.root, "gen");
    expect((await runCli(["generate", "--spec", spec, "--out", out])).code).toBe(0);
    const block = fs.readFileSync(path.join(out, "regs_gen.h"), "utf8");
    expect(commentAbove(block, "static __always_inline void kvm_clear_available_registers(")).toBe(
      [
        "/*",
        " * Synthetic tree: an AND rather than a store, so that a register the",
        " * backend always saves keeps its bit even if the mask names it by",
        " * mistake (the extra cache_reg then warns).",
        " */",
      ].join("\n"),
    );
  } finally {
    tree.cleanup();
  }
});

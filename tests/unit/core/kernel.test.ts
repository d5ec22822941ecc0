/*
 * The kernel constants regcache knows by value (generator/core/kernel.ts), for
 * the TypeScript target, which has no kernel headers: each value is the one
 * the C runtime's kvm_host.h defines (the kernel's own definition, bit by
 * bit), and each doc names exactly the bits that make it up.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KERNEL_CONSTANTS } from "../../../generator/core/kernel";

const header = () =>
  fs.readFileSync(path.join(__dirname, "../../../runtime/include/kvm_host.h"), "utf8");

/** The #defines of a C header, continuations joined, by name. */
function defines(text: string): Map<string, string> {
  const joined = text.replace(/\\\n/g, " ");
  return new Map(
    [...joined.matchAll(/^#define\s+(\w+)\s+(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
  );
}

/** A define's value: (1UL << n) bits and ORs of other defines. */
function valueOf(name: string, table: Map<string, string>): { value: bigint; bits: string[] } {
  const body = table.get(name);
  if (body === undefined) throw new Error(`${name} is not defined`);
  const shift = /^\(1UL << (\d+)\)$/.exec(body);
  if (shift) return { value: 1n << BigInt(shift[1]!), bits: [name] };
  const terms = body
    .replace(/^\(|\)$/g, "")
    .split("|")
    .map((t) => t.trim());
  return terms.reduce(
    (acc, term) => {
      const v = valueOf(term, table);
      return { value: acc.value | v.value, bits: [...acc.bits, ...v.bits] };
    },
    { value: 0n, bits: [] as string[] },
  );
}

test("it knows the two possibly-guest-owned masks, and nothing else", () => {
  expect(Object.keys(KERNEL_CONSTANTS).sort()).toEqual([
    "KVM_POSSIBLE_CR0_GUEST_BITS",
    "KVM_POSSIBLE_CR4_GUEST_BITS",
  ]);
});

test.each(Object.keys(KERNEL_CONSTANTS))("%s has the value kvm_host.h defines", (name) => {
  const table = defines(header());
  expect(KERNEL_CONSTANTS[name]!.value).toBe(valueOf(name, table).value);
});

test.each(Object.keys(KERNEL_CONSTANTS))("%s's doc names each of its bits once", (name) => {
  const { bits } = valueOf(name, defines(header()));
  // X86_CR4_OSXMMEXCPT is written OSXMMEXCPT, X86_CR0_TS CR0.TS: the doc's names
  // are the words after the register's prefix, first one qualified by it.
  const named = [...KERNEL_CONSTANTS[name]!.doc.split(":")[0]!.matchAll(/[A-Z][A-Z0-9]*/g)]
    .map((m) => m[0])
    .filter((w) => !/^CR\d$/.test(w));
  expect(named.sort()).toEqual(bits.map((b) => b.replace(/^X86_CR\d_/, "")).sort());
  expect(KERNEL_CONSTANTS[name]!.doc).toContain("arch/x86/kvm/kvm_cache_regs.h");
});

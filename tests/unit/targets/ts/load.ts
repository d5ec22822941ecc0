/*
 * For the TypeScript target's unit tests: a spec with every section the ts
 * target prints, and a printed registers.ts transpiled and run in this
 * process (no file written), so a test can call what the builders print.
 */
import * as ts from "typescript";

/** The exports of a printed registers.ts, untyped: each test knows what it calls. */
export type Loaded = Record<string, any>;

/** Transpiles a registers.ts and runs it as a CommonJS module; it imports nothing. */
export function load(source: string): Loaded {
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  const module = { exports: {} as Loaded };
  new Function("module", "exports", js)(module, module.exports);
  return module.exports;
}

/**
 * Linux 6.12's shape for the ts target: RIP and RSP lazily loaded by vmx, a
 * guarded GPR, PDPTR indexed below walk_mmu, CR0 with guest-owned bits, CR3
 * read and written, a u32 CR8; `api` is the api section's flow mapping body.
 */
export function tsSpec(
  api = "raw_pair: true, test_and_mark_available: true, cache_reg: kvm_x86_call",
): string[] {
  return [
    "regcache: 1",
    "name: t",
    "mask: u32",
    "registers:",
    "  gpr: [rax, rcx, rdx, rsp, { name: r8, when: CONFIG_X86_64 }, rip]",
    "  extended: [pdptr, cr0, cr3, cr8]",
    "backends:",
    "  vmx: { lazy: [rsp, rip, pdptr, cr0, cr3] }",
    "  svm: { lazy: [pdptr, cr3] }",
    `api: { ${api} }`,
    "accessors:",
    "  - rip",
    "  - { register: pdptr, field: walk_mmu->pdptrs, type: u64, indexed: true, read: kvm_pdptr_read, write: kvm_pdptr_write }",
    "  - register: cr0",
    "    field: cr0",
    "    type: ulong",
    "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits }",
    "    read_bits: kvm_read_cr0_bits",
    "    is_bit_set: kvm_is_cr0_bit_set",
    "    read: kvm_read_cr0",
    "  - { register: cr3, field: cr3, read: kvm_read_cr3, write: kvm_write_cr3 }",
    "  - { register: cr8, field: cr8, type: u32, read: kvm_get_cr8, write: kvm_set_cr8 }",
  ];
}

/*
 * The ts target's vCPU fields follow the spec's accessors wherever their C
 * field is: a field straight in vcpu->arch, behind a pointer
 * or a member (walk_mmu->pdptrs, mmu->root.cr3, shadow.cr4), indexed or not.
 * Each case's registers.ts type-checks in strict mode, and its reader returns
 * what cacheReg stored at that path, calling it once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { emitted, load, tmp } from "./emit-helpers";

const head = `regcache: 1
name: fields
mask: u32
registers:
  gpr: [rax, rcx, rdx, rsp, rip]
  extended: [pdptr, cr0, cr3]
backends:
  vmx: { lazy: [rip, rsp, pdptr, cr0, cr3] }
accessors:
`;

interface Case {
  /** The accessors entry, as YAML lines. */
  readonly entry: string;
  /** The TypeScript reader, its extra arguments, and where cacheReg stores (below vcpu.arch). */
  readonly read: string;
  readonly args: readonly (number | bigint)[];
  readonly store: readonly (string | number)[];
}

const cases: [string, Case][] = [
  [
    "indexed, straight in vcpu->arch",
    {
      entry:
        "  - { register: pdptr, field: pdptrs, type: u64, indexed: true, read: kvm_pdptr_read }",
      read: "pdptrRead",
      args: [2],
      store: ["pdptrs", 2],
    },
  ],
  [
    "indexed, behind a pointer",
    {
      entry:
        "  - { register: pdptr, field: walk_mmu->pdptrs, type: u64, indexed: true, read: kvm_pdptr_read }",
      read: "pdptrRead",
      args: [1],
      store: ["walkMmu", "pdptrs", 1],
    },
  ],
  [
    "a value behind a pointer and a member",
    {
      entry: "  - { register: cr3, field: mmu->root.cr3, type: ulong, read: kvm_read_cr3 }",
      read: "readCr3",
      args: [],
      store: ["mmu", "root", "cr3"],
    },
  ],
  [
    "guest-owned gating on a field in a member",
    {
      entry: [
        "  - register: cr0",
        "    field: shadow.cr0",
        "    type: ulong",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits }",
        "    read_bits: kvm_read_cr0_bits",
        "    read: kvm_read_cr0",
      ].join("\n"),
      read: "readCr0",
      args: [],
      store: ["shadow", "cr0"],
    },
  ],
];

/** Type errors per file, from one strict program over all of them (the lib files parsed once). */
function typeErrors(files: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram([...files], {
    strict: true,
    noUncheckedIndexedAccess: true,
    noUnusedLocals: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    noEmit: true,
  });
  const errors = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? "";
    errors.set(file, [
      ...(errors.get(file) ?? []),
      ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    ]);
  }
  return errors;
}

const texts = new Map<string, string>();
let errors: Map<string, string[]>;
const fileOf = (name: string) => path.join(tmp, `${name.replace(/\W+/g, "-")}.ts`);

beforeAll(async () => {
  for (const [name, c] of cases) {
    const spec = path.join(tmp, `${name.replace(/\W+/g, "-")}.yaml`);
    fs.writeFileSync(spec, `${head}${c.entry}\n`);
    const { text } = await emitted({ spec });
    texts.set(name, text);
    fs.writeFileSync(fileOf(name), text);
  }
  errors = typeErrors(cases.map(([name]) => fileOf(name)));
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(cases)("%s", (name, c) => {
  test("registers.ts type-checks in strict mode", () => {
    expect(errors.get(fileOf(name))).toEqual([]);
  });

  test("the reader returns what cacheReg stored at the field's path, calling it once", () => {
    const r = load(texts.get(name)!) as unknown as Record<string, (...a: unknown[]) => unknown>;
    let calls = 0;
    const cacheReg = (v: { arch: Record<string, unknown> }, reg: number) => {
      calls++;
      let at: Record<string | number, unknown> = v.arch;
      for (const step of c.store.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
      at[c.store[c.store.length - 1]!] = 0x1234n;
      (r["markAvailable"] as (v: unknown, reg: number) => void)(v, reg);
    };
    const vcpu = r["createVcpu"]!({ cacheReg });
    (r["staticCallUpdate"] as ((f: unknown) => void) | undefined)?.(cacheReg);
    // CR0: the guest owns TS, so reading every bit needs cache_reg.
    const arch = (vcpu as { arch: Record<string, unknown> }).arch;
    if ("cr0GuestOwnedBits" in arch) arch["cr0GuestOwnedBits"] = 0x8n;
    expect(r[c.read]!(vcpu, ...c.args)).toBe(0x1234n);
    expect(r[c.read]!(vcpu, ...c.args)).toBe(0x1234n);
    expect(calls).toBe(1);
  });
});

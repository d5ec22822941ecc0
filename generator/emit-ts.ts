/*
 * Model → ts/registers.ts, the TypeScript target: the same enum, backend sets
 * and accessors as the C headers, for emulators, tooling and test oracles
 * written in TypeScript. The file is built as ts-morph structures (a syntax
 * tree, not a text template) and printed through prettier. Every choice it
 * prints (which path an accessor takes, what a backend's set holds) was made
 * in model.ts.
 *
 * ts-morph takes about a second to load, so it and prettier are required
 * inside emitTs only: commands that never emit TypeScript never load them.
 */
import type { Plugin } from "prettier";
import type * as PrettierStandalone from "prettier/standalone";
import type * as TsMorph from "ts-morph";
import type {
  EnumDeclarationStructure,
  FunctionDeclarationStructure,
  InterfaceDeclarationStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  StatementStructures,
  TypeAliasDeclarationStructure,
  VariableStatementStructure,
} from "ts-morph";
import { commentSafe } from "./banner";
import type { EmittedBody } from "./emit-c";
import type { AccessorModel, BackendModel, Model, RegisterModel } from "./model";

export const TS_OUTPUT_PATH = "ts/registers.ts";

/**
 * Identity of this emitter, part of the TypeScript file's input hash. Bump it
 * whenever a change here changes what is printed; the versions of ts-morph
 * and prettier (which also shape the bytes) are hashed beside it.
 */
export const TS_EMITTER_ID = "regcache emit-ts 1";

/** Prettier options, spelled out so no config file on the machine can change the output. */
export const TS_PRETTIER_OPTIONS = {
  parser: "typescript",
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
} as const;

/** The versions of the two libraries that shape the output, read without loading them. */
export function tsToolVersions(): { tsMorph: string; prettier: string } {
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  return { tsMorph: version("ts-morph"), prettier: version("prettier") };
}

interface TsContext {
  readonly model: Model;
  readonly kinds: typeof TsMorph.StructureKind;
  readonly declarationKinds: typeof TsMorph.VariableDeclarationKind;
}

/** Greedy word wrap; prettier leaves comments alone, so long spec docs are wrapped here. */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(/ +/)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  out.push(current);
  return out;
}

const DOC_WIDTH = 90;

/** JSDoc text, one entry per line (undefined and "" dropped): wrapped, cannot close the comment early. */
const doc = (...lines: (string | undefined)[]): string =>
  lines
    .filter((l): l is string => l !== undefined && l !== "")
    .flatMap((l) => wrap(commentSafe(l).trim(), DOC_WIDTH))
    .join("\n");

/** exit_info_1 → exitInfo1, RAX stays rax: identifiers in TypeScript's camel case. */
export function camelName(name: string): string {
  return name.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const regRef = (r: RegisterModel): string => `Reg.${r.upper}`;
const accessorNames = (a: AccessorModel) => ({
  read: `${camelName(a.register.name)}Read`,
  write: `${camelName(a.register.name)}Write`,
});

/** 32-bit words in a mask: as many bits as the C mask has, u32 → 1, u64 → 2. */
const maskWords = (model: Model): number => (model.mask.words * model.mask.wordBits) / 32;

const vcpuParam: OptionalKind<ParameterDeclarationStructure> = { name: "vcpu", type: "Vcpu" };
const regParam: OptionalKind<ParameterDeclarationStructure> = { name: "reg", type: "Reg" };

function fn(
  ctx: TsContext,
  name: string,
  docs: string,
  parameters: OptionalKind<ParameterDeclarationStructure>[],
  returnType: string,
  statements: string[],
): FunctionDeclarationStructure {
  return {
    kind: ctx.kinds.Function,
    name,
    isExported: true,
    docs: [docs],
    parameters,
    returnType,
    statements,
  };
}

function constant(
  ctx: TsContext,
  name: string,
  docs: string,
  type: string | undefined,
  initializer: string,
): VariableStatementStructure {
  return {
    kind: ctx.kinds.VariableStatement,
    isExported: true,
    declarationKind: ctx.declarationKinds.Const,
    docs: [docs],
    declarations: [{ name, ...(type ? { type } : {}), initializer }],
  };
}

// emits: export enum Reg { RAX = 0, RCX = 1, …, RIP = 16, PDPTR = 17, … }
function regEnum(ctx: TsContext): EnumDeclarationStructure {
  return {
    kind: ctx.kinds.Enum,
    name: "Reg",
    isExported: true,
    docs: [
      doc(
        "Register numbers, as enum kvm_reg on a 64-bit build (every guard defined): the slots",
        "of vcpu.arch.regs in hardware encoding order, then the registers that have only an",
        "availability bit.",
      ),
    ],
    members: ctx.model.registers.map((r) => {
      const notes = doc(r.doc, r.guard ? `C: only under ${r.guard}.` : undefined);
      return { name: r.upper, value: r.index, ...(notes ? { docs: [notes] } : {}) };
    }),
  };
}

// emits: export const NR_VCPU_REGS = 17; export const NR_KVM_REG_BITS = 25;
function counts(ctx: TsContext): VariableStatementStructure[] {
  return [
    constant(
      ctx,
      "NR_VCPU_REGS",
      "Slots in vcpu.arch.regs: one per gpr.",
      undefined,
      `${ctx.model.gprs.length}`,
    ),
    constant(
      ctx,
      "NR_KVM_REG_BITS",
      "Bits in regsAvail / regsDirty: one per register, gpr and extended.",
      undefined,
      `${ctx.model.registers.length}`,
    ),
  ];
}

// emits: export type RegMask = Uint32Array; export const REG_MASK_WORDS = 1; maskTest, maskSet, …
function maskHelpers(ctx: TsContext): StatementStructures[] {
  const mask = ctx.model.mask;
  const cWidth =
    mask.kind === "bitmap" ? `a bitmap of ${mask.words} unsigned long` : `a ${mask.kind}`;
  const maskParam = { name: "mask", type: "RegMask" };
  const readonlyMaskParam = { name: "mask", type: "Readonly<RegMask>" };
  const alias: TypeAliasDeclarationStructure = {
    kind: ctx.kinds.TypeAlias,
    name: "RegMask",
    isExported: true,
    type: "Uint32Array",
    docs: [
      doc(
        `regs_avail / regs_dirty (${cWidth} in C) as an array of 32-bit words, bit n in`,
        "word n >>> 5. One representation serves u32, u64 and bitmap masks of any size:",
        "testing or setting a bit touches one word in place, where a bigint mask would",
        "copy itself on every set (costly with thousands of registers), and 32-bit words",
        "are what JavaScript's bit operators work on without going through bigint.",
      ),
    ],
  };
  return [
    alias,
    constant(
      ctx,
      "REG_MASK_WORDS",
      "32-bit words in a RegMask: as many bits as the C mask holds.",
      undefined,
      `${maskWords(ctx.model)}`,
    ),
    fn(ctx, "maskTest", "Whether reg's bit is set.", [readonlyMaskParam, regParam], "boolean", [
      "return ((mask[reg >>> 5]! >>> (reg & 31)) & 1) === 1;",
    ]),
    fn(ctx, "maskSet", "Sets reg's bit, in place.", [maskParam, regParam], "void", [
      "mask[reg >>> 5] = mask[reg >>> 5]! | (1 << (reg & 31));",
    ]),
    fn(ctx, "maskClear", "Clears reg's bit, in place.", [maskParam, regParam], "void", [
      "mask[reg >>> 5] = mask[reg >>> 5]! & ~(1 << (reg & 31));",
    ]),
    fn(
      ctx,
      "regMask",
      "A new mask holding exactly the given registers.",
      [{ name: "regs", type: "readonly Reg[]" }],
      "RegMask",
      [
        "const mask = new Uint32Array(REG_MASK_WORDS);",
        "for (const reg of regs) maskSet(mask, reg);",
        "return mask;",
      ],
    ),
  ];
}

// emits: export interface KvmX86Ops { cacheReg(vcpu: Vcpu, reg: Reg): void } … Vcpu, createVcpu
function vcpuShape(ctx: TsContext): StatementStructures[] {
  const ops: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "KvmX86Ops",
    isExported: true,
    docs: [doc("The backend, as struct kvm_x86_ops: only what the register cache calls.")],
    methods: [
      {
        name: "cacheReg",
        docs: [doc("Copy reg from hardware state into vcpu.arch.regs and mark it available.")],
        parameters: [vcpuParam, regParam],
        returnType: "void",
      },
    ],
  };
  const arch: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "VcpuArch",
    isExported: true,
    docs: [doc("struct kvm_vcpu_arch: the register cache and its two masks.")],
    properties: [
      {
        name: "regs",
        isReadonly: true,
        type: "BigUint64Array",
        docs: [doc("unsigned long regs[NR_VCPU_REGS]: stores wrap to 64 bits as in C.")],
      },
      {
        name: "regsAvail",
        isReadonly: true,
        type: "RegMask",
        docs: [doc("regs holds the value.")],
      },
      {
        name: "regsDirty",
        isReadonly: true,
        type: "RegMask",
        docs: [doc("regs holds a newer value than hardware: write it back before VM-entry.")],
      },
    ],
  };
  const vcpu: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "Vcpu",
    isExported: true,
    docs: [
      doc(
        "struct kvm_vcpu. C reaches the backend through the global kvm_x86_ops; here each",
        "vCPU carries its own, so vCPUs of different backends can live side by side.",
      ),
    ],
    properties: [
      { name: "arch", isReadonly: true, type: "VcpuArch" },
      { name: "kvmX86Ops", isReadonly: true, type: "KvmX86Ops" },
    ],
  };
  const create = fn(
    ctx,
    "createVcpu",
    "A vCPU with every register zero and nothing available or dirty.",
    [{ name: "kvmX86Ops", type: "KvmX86Ops" }],
    "Vcpu",
    [
      "return {",
      "  arch: {",
      "    regs: new BigUint64Array(NR_VCPU_REGS),",
      "    regsAvail: new Uint32Array(REG_MASK_WORDS),",
      "    regsDirty: new Uint32Array(REG_MASK_WORDS),",
      "  },",
      "  kvmX86Ops,",
      "};",
    ],
  );
  return [ops, arch, vcpu, create];
}

function backendDoc(b: BackendModel): string {
  return doc(
    `${b.name}: ${b.lazy.length} lazily loaded, ${b.available.length} always available (spec lists ${b.declared}).`,
    b.doc,
  );
}

const setInitializer = (regs: readonly RegisterModel[]) =>
  `regMask([${regs.map(regRef).join(", ")}])`;

// emits: export const VMX_REGS_LAZY_LOAD_SET: Readonly<RegMask> = regMask([Reg.RSP, …]); … REGS_LAZY_LOAD_SET
function backendSets(ctx: TsContext): StatementStructures[] {
  const backends = ctx.model.backends;
  const perBackend = backends.flatMap((b) => [
    constant(ctx, b.lazySetName, backendDoc(b), "Readonly<RegMask>", setInitializer(b.lazy)),
    constant(
      ctx,
      b.availSetName,
      `${b.name}: saved into vcpu.arch.regs on every VM-exit.`,
      "Readonly<RegMask>",
      setInitializer(b.available),
    ),
  ]);
  const names: TypeAliasDeclarationStructure = {
    kind: ctx.kinds.TypeAlias,
    name: "Backend",
    isExported: true,
    docs: [doc("The spec's backends, as the C KVM_BACKENDS() X-macro lists them.")],
    type: backends.length ? backends.map((b) => JSON.stringify(b.name)).join(" | ") : "never",
  };
  const table = (name: string, docs: string, setName: (b: BackendModel) => string) =>
    constant(
      ctx,
      name,
      docs,
      "Readonly<Record<Backend, Readonly<RegMask>>>",
      `{ ${backends.map((b) => `${b.name}: ${setName(b)}`).join(", ")} }`,
    );
  return [
    ...perBackend,
    names,
    constant(
      ctx,
      "BACKENDS",
      "Every backend, in spec order.",
      "readonly Backend[]",
      `[${backends.map((b) => JSON.stringify(b.name)).join(", ")}]`,
    ),
    table("REGS_LAZY_LOAD_SET", "Each backend's lazily loaded set, by name.", (b) => b.lazySetName),
    table("REGS_AVAIL_SET", "Each backend's always-available set, by name.", (b) => b.availSetName),
  ];
}

// emits: isAvailable, isDirty, markAvailable, markDirty, markForReload, registerRead, registerWrite
function cachedPath(ctx: TsContext): FunctionDeclarationStructure[] {
  const valueParam = { name: "value", type: "bigint" };
  return [
    fn(ctx, "isAvailable", "kvm_register_is_available", [vcpuParam, regParam], "boolean", [
      "return maskTest(vcpu.arch.regsAvail, reg);",
    ]),
    fn(ctx, "isDirty", "kvm_register_is_dirty", [vcpuParam, regParam], "boolean", [
      "return maskTest(vcpu.arch.regsDirty, reg);",
    ]),
    fn(ctx, "markAvailable", "kvm_register_mark_available", [vcpuParam, regParam], "void", [
      "maskSet(vcpu.arch.regsAvail, reg);",
    ]),
    fn(
      ctx,
      "markDirty",
      "kvm_register_mark_dirty: a dirty register is also available, regs holds the newer value.",
      [vcpuParam, regParam],
      "void",
      ["maskSet(vcpu.arch.regsAvail, reg);", "maskSet(vcpu.arch.regsDirty, reg);"],
    ),
    fn(
      ctx,
      "markForReload",
      "kvm_register_mark_for_reload: forget the cached value, the next read calls cacheReg.",
      [vcpuParam, regParam],
      "void",
      ["maskClear(vcpu.arch.regsAvail, reg);", "maskClear(vcpu.arch.regsDirty, reg);"],
    ),
    fn(
      ctx,
      "registerRead",
      "kvm_register_read, the cached path: fetch from hardware state only when regs is stale.",
      [vcpuParam, regParam],
      "bigint",
      [
        "if (!isAvailable(vcpu, reg)) vcpu.kvmX86Ops.cacheReg(vcpu, reg);",
        "return vcpu.arch.regs[reg]!;",
      ],
    ),
    fn(
      ctx,
      "registerWrite",
      "kvm_register_write: store, then mark dirty (and so available).",
      [vcpuParam, regParam, valueParam],
      "void",
      ["vcpu.arch.regs[reg] = value;", "markDirty(vcpu, reg);"],
    ),
  ];
}

function accessorDoc(a: AccessorModel, c: string): string {
  const r = a.register;
  const why =
    a.path === "direct"
      ? "always available: a plain regs access"
      : r.alwaysAvailable
        ? "always available, but --all-cached: the cached path"
        : `loaded lazily by ${r.lazyIn.join(", ")}: the cached path`;
  return doc(`${c}: ${r.name} is ${why}.`, r.doc);
}

// emits: export function raxRead(vcpu: Vcpu): bigint { return vcpu.arch.regs[Reg.RAX]; } and raxWrite
function accessors(ctx: TsContext): FunctionDeclarationStructure[] {
  return ctx.model.accessors.flatMap((a) => {
    const { read, write } = accessorNames(a);
    const reg = regRef(a.register);
    const direct = a.path === "direct";
    return [
      fn(ctx, read, accessorDoc(a, a.read), [vcpuParam], "bigint", [
        direct ? `return vcpu.arch.regs[${reg}]!;` : `return registerRead(vcpu, ${reg});`,
      ]),
      fn(
        ctx,
        write,
        accessorDoc(a, a.write),
        [vcpuParam, { name: "value", type: "bigint" }],
        "void",
        [direct ? `vcpu.arch.regs[${reg}] = value;` : `registerWrite(vcpu, ${reg}, value);`],
      ),
    ];
  });
}

// emits: export function readEdxEax(vcpu: Vcpu): bigint (when the spec has rax and rdx)
function edxEax(ctx: TsContext): FunctionDeclarationStructure[] {
  const rax = ctx.model.accessors.find((a) => a.register.name === "rax");
  const rdx = ctx.model.accessors.find((a) => a.register.name === "rdx");
  if (!rax || !rdx) return [];
  return [
    fn(
      ctx,
      "readEdxEax",
      "kvm_read_edx_eax: EDX:EAX as one 64-bit value, as RDMSR/WRMSR/XSETBV take it.",
      [vcpuParam],
      "bigint",
      [
        `return (${accessorNames(rax).read}(vcpu) & 0xffffffffn) | ((${accessorNames(rdx).read}(vcpu) & 0xffffffffn) << 32n);`,
      ],
    ),
  ];
}

function moduleDoc(model: Model): string {
  const lines = [
    model.doc ? `${model.name}: ${model.doc}` : model.name,
    "",
    "The TypeScript twin of the C headers kvm_regs.h and kvm_cache_regs.h as a 64-bit build",
    "sees them (every guard defined). Register values are bigint, 64 bits wide.",
  ].flatMap((l) => (l ? wrap(commentSafe(l), DOC_WIDTH) : [l]));
  return `/**\n${lines.map((l) => (l ? ` * ${l}` : " *")).join("\n")}\n */\n`;
}

/** The source text of ts/registers.ts before formatting: ts-morph structures, printed. */
export function printRegistersSource(model: Model): string {
  const tsMorph = require("ts-morph") as typeof TsMorph;
  const ctx: TsContext = {
    model,
    kinds: tsMorph.StructureKind,
    declarationKinds: tsMorph.VariableDeclarationKind,
  };
  const project = new tsMorph.Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { quoteKind: tsMorph.QuoteKind.Double, useTrailingCommas: true },
  });
  const file = project.createSourceFile(TS_OUTPUT_PATH, {
    leadingTrivia: moduleDoc(model),
    statements: [
      regEnum(ctx),
      ...counts(ctx),
      ...maskHelpers(ctx),
      ...vcpuShape(ctx),
      ...backendSets(ctx),
      ...cachedPath(ctx),
      ...accessors(ctx),
      ...edxEax(ctx),
    ],
  });
  return file.getFullText();
}

/**
 * Renders ts/registers.ts; the body only, the caller adds the banner.
 * Prettier's standalone build: it reads no config file (the options above are
 * all there is) and, unlike its Node entry, loads without a dynamic import(),
 * so it also runs where that is unavailable (jest's CommonJS sandbox).
 */
export async function emitTs(model: Model): Promise<EmittedBody[]> {
  const prettier = require("prettier/standalone") as typeof PrettierStandalone;
  const plugins = [
    require("prettier/plugins/typescript"),
    require("prettier/plugins/estree"),
  ] as Plugin[];
  // The file path tells prettier the source is TypeScript, not TSX; without it
  // prettier guesses with a regular expression whose run time grows with the
  // square of the file's length (7 s of 10 on a 4,000-register spec).
  const body = await prettier.format(printRegistersSource(model), {
    ...TS_PRETTIER_OPTIONS,
    filepath: TS_OUTPUT_PATH,
    plugins,
  });
  return [{ path: TS_OUTPUT_PATH, body }];
}

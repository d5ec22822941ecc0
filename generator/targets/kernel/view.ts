/*
 * Model → the view the kernel target's template prints: the register-cache
 * block a kernel's arch/x86/kvm/kvm_cache_regs.h includes. This module only
 * spells what core/model/kernel-block.ts decided (bit operations, the cache_reg call,
 * signatures laid out in kernel style, each site's comment); templates/kernel/
 * prints it.
 */
import { continueLines, signature } from "../render/layout";
import { functionViews } from "../render/api-view";
import {
  assertDefine,
  cacheHelperViews,
  familyFunctions,
  familyMacros,
} from "../render/cache-helpers";
import { writtenComment } from "../render/templates";
import { GPR_MACRO } from "../../core/spec/kernel-shape";
import type { KernelBlockModel, Model, RegisterModel } from "../../core/model/types";
import { setChecks } from "./set-checks";

/** regcache's own comment at each site that has one, by the site's C name. */
function ownComments(model: Model): Record<string, string> {
  const api = model.api;
  const lines = (...text: string[]) =>
    text.length === 1
      ? `/* ${text[0]} */`
      : ["/*", ...text.map((l) => ` * ${l}`), " */"].join("\n");
  return {
    [GPR_MACRO]: lines(
      "GPRs that no backend loads lazily: every VM-exit leaves them in regs[].",
      model.kernel.macroFirst
        ? "Their accessors are plain array accesses."
        : "Their accessors take the cached path all the same (--all-cached).",
    ),
    ...(api.assert
      ? {
          [api.assert.macro]: lines(
            "The register cache belongs to the vCPU's task: availability and dirtiness",
            "cannot be updated atomically, so using them elsewhere is a bug lockdep",
            "reports (and nothing without lockdep).",
          ),
        }
      : {}),
    kvm_register_is_available: lines(
      "One bit per register in regs_avail and in regs_dirty:",
      "  avail dirty",
      "    0     0    the value is in hardware state (VMCS/VMCB); regs[] is stale",
      "    1     0    regs[] holds the value",
      "    1     1    regs[] holds a newer value, written back before VM-entry",
      "    0     1    never valid",
    ),
    kvm_register_mark_for_reload: lines(
      "Back to hardware state: the next read fetches the value through cache_reg.",
    ),
    kvm_register_test_and_mark_available: lines(
      "An arch bit operation, free of the generic bitops' instrumentation, so that",
      "code which must not be instrumented can use it.",
    ),
    kvm_clear_available_registers: lines(
      "Every register at once, on the bitmaps' one word (checked at build time).",
      "Clearing keeps a bit already clear: a backend that wrongly clears an eagerly",
      "saved register then gets an unexpected cache_reg, which warns.",
    ),
    ...(api.rawPair
      ? {
          [api.cachedRead]: lines(
            "The cached path over all 64 bits, whatever mode the vCPU is in: fetch the",
            "value through cache_reg when regs[] is stale. A register number past",
            "regs[] is a bug, warned about once.",
          ),
          ...(api.modeAware
            ? {
                [api.modeAware.read]: lines(
                  "The cached path as wide as the vCPU's mode: 32 bits outside 64-bit mode.",
                ),
              }
            : {}),
        }
      : {
          [api.cachedRead]: lines(
            "The cached path: fetch the value through cache_reg when regs[] is stale.",
          ),
        }),
    kvm_read_edx_eax: lines("EDX:EAX as one 64-bit value, as RDMSR, WRMSR and XSETBV take it."),
  };
}

/**
 * The comment printed above each site, by the template's name for it: the
 * spec's text as written (api.docs; an empty one prints none), else
 * regcache's own, else none.
 */
function commentsView(model: Model) {
  const own = ownComments(model);
  const docs: KernelBlockModel["docs"] = model.kernel.docs;
  const at = (site: string | undefined) =>
    site === undefined ? undefined : site in docs ? writtenComment(docs[site]!) : own[site];
  const api = model.api;
  return {
    gprMacro: at(GPR_MACRO),
    assertMacro: at(api.assert?.macro),
    isAvailable: at("kvm_register_is_available"),
    isDirty: at("kvm_register_is_dirty"),
    markForReload: at("kvm_register_mark_for_reload"),
    markAvailable: at("kvm_register_mark_available"),
    markDirty: at("kvm_register_mark_dirty"),
    testAndMark: at("kvm_register_test_and_mark_available"),
    bulkClear: at("kvm_clear_available_registers"),
    bulkReset: at("kvm_reset_dirty_registers"),
    cachedRead: at(api.cachedRead),
    cachedWrite: at(api.cachedWrite),
    modeRead: at(api.modeAware?.read),
    modeWrite: at(api.modeAware?.write),
    edxEax: at("kvm_read_edx_eax"),
  };
}

const VCPU = "struct kvm_vcpu *vcpu";

/**
 * The block's checks of the tree's backend sets (set-checks.ts): the generic
 * one-register assertion, one per guarded register that holds when its guard
 * is off, and per backend a macro asserting every register's bit of the set
 * it is given against the spec.
 */
function setCheckView(model: Model) {
  const checks = setChecks(model);
  if (checks.length === 0) return undefined;
  const guarded = model.registers.filter((r) => r.guard);
  const guards = [...new Set(guarded.map((r) => r.guard!))];
  const checkOf = (r: RegisterModel) => (r.guard ? `KVM_CHECK_REG_${r.upper}` : undefined);
  const backends = checks.map((c) => {
    const b = model.backends.find((x) => x.name === c.backend)!;
    const listed = new Set(b.declared === "lazy" ? b.lazy : b.available);
    const asserts = model.registers.map((r) => {
      const inSet = listed.has(r);
      const lazy = b.lazy.includes(r);
      const spec = lazy
        ? `the spec has ${b.name} load ${r.name} lazily`
        : `the spec has ${r.name} always available on ${b.name}`;
      const tree = inSet ? `${c.macro} lacks it` : `${c.macro} has it`;
      const msg = `"regcache: ${spec}, ${tree}"`;
      const want = inSet ? 1 : 0;
      const guardedCheck = checkOf(r);
      return guardedCheck
        ? `\t${guardedCheck}(set, ${want}, ${msg})`
        : `\tKVM_CHECK_REG(set, ${r.enumName}, ${want}, ${msg})`;
    });
    return {
      comment: [
        `${b.name}: ${c.macro} must hold exactly the registers the spec ${
          b.declared === "lazy" ? "has it load lazily" : "has always available on it"
        }.`,
      ],
      define: continueLines([
        `#define ${c.check}(set)`,
        ...asserts.map((a, i) => (i === asserts.length - 1 ? a : `${a};`)),
      ]),
    };
  });
  return {
    generic: continueLines([
      "#define KVM_CHECK_REG(set, reg, in, msg)",
      "\tstatic_assert(((((set) >> (reg)) & 1) != 0) == (in), msg)",
    ]),
    guards: guards.map((g) => {
      const regs = guarded.filter((r) => r.guard === g);
      return {
        guard: g,
        on: regs.map(
          (r) => `#define ${checkOf(r)}(set, in, msg) KVM_CHECK_REG(set, ${r.enumName}, in, msg)`,
        ),
        off: regs.map((r) => `#define ${checkOf(r)}(set, in, msg) static_assert(1, msg)`),
      };
    }),
    backends,
  };
}

export function kernelView(model: Model): Record<string, unknown> {
  const api = model.api;
  const block = model.kernel;
  // The GPR macros paste the enumerator from the spec's GPR prefix (enum.gpr_prefix).
  const first = model.gprs[0];
  const gprPrefix = first ? first.enumName.slice(0, -first.upper.length) : "VCPU_REGS_";
  const uname = `${gprPrefix}##uname`;
  const macro = block.gprMacro;
  const inner = block.innerMacro;
  // --c-style expanded: the macro's accessors written out, one function each.
  const expandedFamily = (a: (typeof macro.accessors)[number]) => ({
    family: familyFunctions(
      api,
      a,
      macro.linkage,
      macro.path === "direct",
      inner?.ePair.includes(a.register.name) ?? false,
    ),
  });
  const expandedAccessor = (a: (typeof macro.accessors)[number]) => ({
    readHead: signature(macro.linkage, "unsigned long", a.read, [VCPU]),
    writeHead: signature(macro.linkage, "void", a.write, [VCPU, "unsigned long val"]),
    readBody:
      macro.path === "direct"
        ? `return vcpu->arch.regs[${a.register.enumName}];`
        : `return ${api.cachedRead}(vcpu, ${a.register.enumName});`,
    writeBody:
      macro.path === "direct"
        ? `vcpu->arch.regs[${a.register.enumName}] = val;`
        : `${api.cachedWrite}(vcpu, ${a.register.enumName}, val);`,
  });
  const guardRuns = () => {
    const runs: {
      guard?: string;
      accessors: ({ name: string; upper: string; macroName: string } & (
        ReturnType<typeof expandedAccessor> | ReturnType<typeof expandedFamily>
      ))[];
    }[] = [];
    for (const a of macro.accessors) {
      const last = runs[runs.length - 1];
      const ePaired = inner?.ePair.includes(a.register.name) ?? false;
      const item = {
        // The GPR macro takes the name without its leading r and adds it back.
        name: ePaired ? a.register.name.slice(1) : a.register.name,
        upper: a.register.upper,
        macroName: inner && !ePaired ? inner.name : macro.name,
        ...(inner ? expandedFamily(a) : expandedAccessor(a)),
      };
      if (last && last.guard === a.register.guard) last.accessors.push(item);
      else
        runs.push({ ...(a.register.guard ? { guard: a.register.guard } : {}), accessors: [item] });
    }
    return runs;
  };
  const macroBody = [
    `#define ${macro.name}(lname, uname)`,
    `\t${macro.linkage} unsigned long`,
    `\tkvm_##lname##_read(${VCPU})`,
    "\t{",
    macro.path === "direct"
      ? `\t\treturn vcpu->arch.regs[${uname}];`
      : `\t\treturn ${api.cachedRead}(vcpu, ${uname});`,
    "\t}",
    `\t${macro.linkage} void`,
    `\tkvm_##lname##_write(${VCPU}, unsigned long val)`,
    "\t{",
    macro.path === "direct"
      ? `\t\tvcpu->arch.regs[${uname}] = val;`
      : `\t\t${api.cachedWrite}(vcpu, ${uname}, val);`,
    "\t}",
  ];
  // An extended accessor's doc, printed as written right above the first
  // function the template prints for it: the reader, else the writer, else the
  // reader of bits (which comes after the writer).
  const functions = functionViews(api, block.functions).map((f) => {
    const comment = "doc" in f && f.doc !== undefined ? writtenComment(f.doc) : undefined;
    if (f.gpr || comment === undefined) return { ...f, docAbove: {} };
    const first = f.read && !f.readBits ? "read" : f.write ? "write" : "readBits";
    return { ...f, docAbove: { [first]: comment } };
  });
  return {
    guard: model.output.kernelGuard,
    macroFirst: block.macroFirst,
    hasMacro: macro.accessors.length > 0,
    expanded: model.options.cStyle === "expanded",
    gprMacro: inner
      ? familyMacros(api, {
          inner: inner.name,
          outer: macro.name,
          linkage: macro.linkage,
          direct: macro.path === "direct",
          gprPrefix,
          withEPair: inner.ePair.length > 0,
        })
      : continueLines(macroBody),
    macroRuns: guardRuns(),
    macroName: macro.name,
    ...cacheHelperViews(api, model.mask.kind === "bitmap"),
    assertMacro: api.assert && {
      define: assertDefine(api, (condition) => `lockdep_assert_once(${condition})`),
    },
    functions,
    edxEax: block.edxEax && {
      head: signature(block.edxEax, "u64", "kvm_read_edx_eax", [VCPU]),
      byEPair: block.edxEaxByEPair,
    },
    setChecks: setCheckView(model),
    comments: commentsView(model),
  };
}

/*
 * The configuration matrix of the size report: which compilers, with which
 * flags, build the handler suite. Pure data and checks; compile.ts finds the
 * executables and runs them.
 *
 * Defaults are the four configs the seed patch measured in spirit: gcc and
 * clang, each plain and with retpolines (indirect calls through an external
 * thunk, which is what made the cached path's function-pointer call costlier
 * under CONFIG_RETPOLINE=y). A config file (YAML or JSON) adds configs or
 * replaces a default of the same name:
 *
 *   configs:
 *     - name: gcc-Os
 *       compiler: gcc            # gcc | clang (the family: default flags, hint)
 *       command: gcc-12          # optional executable; default: gcc / clang-19, clang
 *       retpoline: false         # optional, adds the family's retpoline flags
 *       dispatch: static_call    # optional: pointer (default) or static_call
 *       flags: [-Os]             # optional, appended after the defaults
 */
import * as path from "path";
import { Diagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import { sizeDiagnostic } from "../messages";
import { describeNode, entry, parseListFile, stringList, unknownKeys } from "./yaml-input";

export type CompilerFamily = "gcc" | "clang";

/**
 * How the cached path reaches the backend's cache_reg: through the ops table's
 * function pointer (an indirect call, a retpoline thunk with CONFIG_RETPOLINE)
 * or as a static call (a direct call whose target is chosen when the kernel is
 * built; runtime/include/kvm_host.h models it under -DREGCACHE_STATIC_CALL).
 */
export type DispatchStyle = "pointer" | "static_call";
export const DISPATCH_STYLES: readonly DispatchStyle[] = ["pointer", "static_call"];
const DISPATCH_FLAGS: Readonly<Record<DispatchStyle, readonly string[]>> = {
  pointer: [],
  static_call: ["-DREGCACHE_STATIC_CALL"],
};

export interface SizeConfig {
  readonly name: string;
  readonly compiler: CompilerFamily;
  /** Executables to try, first found wins. */
  readonly commands: readonly string[];
  readonly retpoline: boolean;
  /** How cache_reg is called; pointer when absent. */
  readonly dispatch?: DispatchStyle;
  /** Every flag but -c, -o and the include directories. */
  readonly flags: readonly string[];
}

export const LANGUAGE_FLAGS = [
  "-std=gnu11",
  "-DCONFIG_X86_64",
  "-Wall",
  "-Wextra",
  "-Werror",
] as const;
export const KERNEL_FLAGS = [
  "-O2",
  "-fno-pic",
  "-mcmodel=kernel",
  "-mno-red-zone",
  "-fno-stack-protector",
] as const;
export const RETPOLINE_FLAGS: Readonly<Record<CompilerFamily, readonly string[]>> = {
  gcc: ["-mindirect-branch=thunk-extern", "-mindirect-branch-register"],
  clang: ["-mretpoline-external-thunk"],
};
export const DEFAULT_COMMANDS: Readonly<Record<CompilerFamily, readonly string[]>> = {
  gcc: ["gcc"],
  clang: ["clang-19", "clang"],
};
export const INSTALL_HINTS: Readonly<Record<CompilerFamily, string>> = {
  gcc: "apt-get install -y gcc",
  clang: "apt-get install -y clang-19",
};
const FAMILIES: readonly CompilerFamily[] = ["gcc", "clang"];

/**
 * The install hint for a config whose compiler is missing: the Debian package
 * of the first command it names when that is a versioned gcc/clang (a config
 * naming clang-18 needs clang-18, not the family default), else the family's.
 */
export function installHint(config: Pick<SizeConfig, "compiler" | "commands">): string {
  const first = config.commands[0] ?? "";
  const versioned = /^(gcc|clang)-(\d+)$/.exec(path.basename(first));
  return versioned ? `apt-get install -y ${versioned[0]}` : INSTALL_HINTS[config.compiler];
}

/**
 * Whether flags ask for IR-only LTO objects (gcc -flto, clang -flto or
 * -flto=thin without -ffat-lto-objects, the last -flto/-fno-lto winning):
 * such objects hold no machine code, so there is nothing to measure.
 */
export function wantsSlimLto(flags: readonly string[]): boolean {
  let lto = false;
  let fat = false;
  for (const flag of flags) {
    if (flag === "-flto" || flag.startsWith("-flto=")) lto = true;
    else if (flag === "-fno-lto") lto = false;
    else if (flag === "-ffat-lto-objects") fat = true;
    else if (flag === "-fno-fat-lto-objects") fat = false;
  }
  return lto && !fat;
}

function makeConfig(
  name: string,
  compiler: CompilerFamily,
  retpoline: boolean,
  extraFlags: readonly string[] = [],
  commands: readonly string[] = DEFAULT_COMMANDS[compiler],
  dispatch: DispatchStyle = "pointer",
): SizeConfig {
  const flags = [
    ...LANGUAGE_FLAGS,
    ...KERNEL_FLAGS,
    ...(retpoline ? RETPOLINE_FLAGS[compiler] : []),
    ...DISPATCH_FLAGS[dispatch],
    ...extraFlags,
  ];
  return { name, compiler, commands, retpoline, dispatch, flags };
}

/**
 * The dispatch dimension (--dispatch): each config once per style asked for.
 * A config keeps its name in its own style; in the other it gets a sibling
 * named with the style's suffix (gcc-O2-retpoline-static-call), the same
 * flags plus that style's.
 */
export function withDispatch(
  configs: readonly SizeConfig[],
  styles: readonly DispatchStyle[],
): SizeConfig[] {
  if (styles.length === 0) return [...configs];
  return configs.flatMap((c) => {
    const own = c.dispatch ?? "pointer";
    return styles.map((style) => {
      if (style === own) return c;
      const flags = c.flags.filter((f) => !DISPATCH_FLAGS[own].includes(f));
      return {
        ...c,
        name: `${c.name}-${style.replace("_", "-")}`,
        dispatch: style,
        flags: [...flags, ...DISPATCH_FLAGS[style]],
      };
    });
  });
}

export function defaultConfigs(): SizeConfig[] {
  return [
    makeConfig("gcc-O2", "gcc", false),
    makeConfig("gcc-O2-retpoline", "gcc", true),
    makeConfig("clang-O2", "clang", false),
    makeConfig("clang-O2-retpoline", "clang", true),
  ];
}

export function isCompilerFamily(name: string): name is CompilerFamily {
  return (FAMILIES as readonly string[]).includes(name);
}

export type ConfigFileResult =
  { ok: true; configs: SizeConfig[] } | { ok: false; diagnostics: Diagnostic[] };

const CONFIG_KEYS = ["name", "compiler", "command", "retpoline", "dispatch", "flags"];

/** Reads a config file's `configs:` list. */
export function parseConfigFile(file: SourceFile): ConfigFileResult {
  const read = parseListFile(file, {
    key: "configs",
    what: "a config file",
    list: "a list",
    hint: "list the configs under 'configs:'",
  });
  if (!read.ok) return read;
  const { diagnostics } = read;
  const configs: SizeConfig[] = [];
  const seen = new Set<string>();
  for (const item of read.items) {
    if (item.kind !== "map") {
      diagnostics.push(
        sizeDiagnostic("RC602", file, item.span, "a config", "a mapping", describeNode(item)),
      );
      continue;
    }
    const before = diagnostics.length;
    diagnostics.push(...unknownKeys(file, item, CONFIG_KEYS));
    const name = entry(item, "name");
    const compiler = entry(item, "compiler");
    if (
      !name ||
      name.value.kind !== "scalar" ||
      typeof name.value.value !== "string" ||
      !/^[A-Za-z0-9._-]+$/.test(name.value.value)
    ) {
      diagnostics.push(
        name
          ? sizeDiagnostic(
              "RC602",
              file,
              name.value.span,
              "'name'",
              "a name of letters, digits, '.', '_' or '-'",
              describeNode(name.value),
            )
          : sizeDiagnostic("RC604", file, item.span, "name", "every config needs a name"),
      );
    }
    let family: CompilerFamily | undefined;
    if (!compiler)
      diagnostics.push(sizeDiagnostic("RC604", file, item.span, "compiler", "gcc or clang"));
    else if (compiler.value.kind !== "scalar" || !isCompilerFamily(String(compiler.value.value))) {
      diagnostics.push(
        sizeDiagnostic(
          "RC612",
          file,
          compiler.value.span,
          String(
            compiler.value.kind === "scalar" ? compiler.value.value : describeNode(compiler.value),
          ),
        ),
      );
    } else family = compiler.value.value as CompilerFamily;
    const retpolineEntry = entry(item, "retpoline");
    let retpoline = false;
    if (retpolineEntry) {
      if (retpolineEntry.value.kind === "scalar" && typeof retpolineEntry.value.value === "boolean")
        retpoline = retpolineEntry.value.value;
      else
        diagnostics.push(
          sizeDiagnostic(
            "RC602",
            file,
            retpolineEntry.value.span,
            "'retpoline'",
            "true or false",
            describeNode(retpolineEntry.value),
          ),
        );
    }
    const dispatchEntry = entry(item, "dispatch");
    let dispatch: DispatchStyle = "pointer";
    if (dispatchEntry) {
      const v = dispatchEntry.value.kind === "scalar" ? dispatchEntry.value.value : undefined;
      if ((DISPATCH_STYLES as readonly unknown[]).includes(v)) dispatch = v as DispatchStyle;
      else
        diagnostics.push(
          sizeDiagnostic(
            "RC602",
            file,
            dispatchEntry.value.span,
            "'dispatch'",
            "pointer or static_call",
            describeNode(dispatchEntry.value),
          ),
        );
    }
    const flagsEntry = entry(item, "flags");
    const flags = flagsEntry ? stringList(file, flagsEntry.value, "'flags'", diagnostics) : [];
    const commandEntry = entry(item, "command");
    const commands = commandEntry
      ? stringList(file, commandEntry.value, "'command'", diagnostics)
      : undefined;
    if (flags && flagsEntry && wantsSlimLto(flags))
      diagnostics.push(sizeDiagnostic("RC617", file, flagsEntry.value.span));
    if (diagnostics.length > before || !family || !name) continue;
    const configName = String((name.value as { value: unknown }).value);
    if (seen.has(configName)) {
      diagnostics.push(sizeDiagnostic("RC611", file, name.value.span, configName));
      continue;
    }
    seen.add(configName);
    configs.push(
      makeConfig(
        configName,
        family,
        retpoline,
        flags ?? [],
        commands ?? DEFAULT_COMMANDS[family],
        dispatch,
      ),
    );
  }
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, configs };
}

/** Defaults, with file configs added (a file config replaces a default of the same name). */
export function mergeConfigs(
  defaults: readonly SizeConfig[],
  added: readonly SizeConfig[],
): SizeConfig[] {
  const names = new Set(added.map((c) => c.name));
  return [...defaults.filter((c) => !names.has(c.name)), ...added];
}

export interface Selection {
  /** --compiler: families to keep (all when empty). */
  readonly compilers: readonly string[];
  /** --config: names to keep (all when empty). */
  readonly names: readonly string[];
}

/**
 * The selection as the options give it: each value one name or several,
 * comma-separated (`--compiler gcc,clang`); spaces around a name and empty
 * names are dropped.
 */
export function selectionOf(
  compilers: readonly string[] | undefined,
  configs: readonly string[] | undefined,
): Selection {
  const names = (values: readonly string[] | undefined) =>
    (values ?? [])
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  return { compilers: names(compilers), names: names(configs) };
}

export type SelectResult =
  | { ok: true; configs: SizeConfig[] }
  | { ok: false; problems: { code: "RC613" | "RC614"; args: string[] }[] };

export function selectConfigs(all: readonly SizeConfig[], selection: Selection): SelectResult {
  const problems: { code: "RC613" | "RC614"; args: string[] }[] = [];
  for (const family of selection.compilers)
    if (!isCompilerFamily(family)) problems.push({ code: "RC614", args: [family] });
  const known = all.map((c) => c.name);
  for (const name of selection.names)
    if (!known.includes(name)) problems.push({ code: "RC613", args: [name, known.join(", ")] });
  if (problems.length > 0) return { ok: false, problems };
  const configs = all.filter(
    (c) =>
      (selection.compilers.length === 0 || selection.compilers.includes(c.compiler)) &&
      (selection.names.length === 0 || selection.names.includes(c.name)),
  );
  return { ok: true, configs };
}

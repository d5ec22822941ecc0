/*
 * The dispatch dimension of the size matrix: cache_reg through the ops
 * table's pointer or as a static call (runtime/include/kvm_host.h models it
 * as a direct call chosen at build time). The configs it adds, the config
 * file's `dispatch` key, and, in built objects, that the static-call build
 * really has no indirect call left while the pointer build has them.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  defaultConfigs,
  parseConfigFile,
  withDispatch,
  type DispatchStyle,
} from "../../generator/size/inputs/matrix";
import { runCli } from "../helpers/capture";
import { fileTempDir } from "./helpers";

describe("withDispatch", () => {
  const defaults = defaultConfigs();
  test.each([
    [[], defaults.map((c) => c.name)],
    [["pointer"], defaults.map((c) => c.name)],
    [["static_call"], defaults.map((c) => `${c.name}-static-call`)],
    [["pointer", "static_call"], defaults.flatMap((c) => [c.name, `${c.name}-static-call`])],
  ] as [DispatchStyle[], string[]][])("%j gives %j", (styles, names) => {
    const configs = withDispatch(defaults, styles);
    expect(configs.map((c) => c.name)).toEqual(names);
    for (const c of configs) {
      const isStatic = c.name.endsWith("-static-call");
      expect(c.dispatch ?? "pointer").toBe(isStatic ? "static_call" : "pointer");
      expect(c.flags.includes("-DREGCACHE_STATIC_CALL")).toBe(isStatic);
    }
  });

  test("a static-call config from a file gets a pointer sibling without the define", () => {
    const parsed = parseConfigFile({
      displayPath: "m.yaml",
      text: "configs:\n  - { name: sc, compiler: gcc, dispatch: static_call }\n",
    });
    if (!parsed.ok) throw new Error("config file rejected");
    expect(parsed.configs[0]!.flags).toContain("-DREGCACHE_STATIC_CALL");
    const both = withDispatch(parsed.configs, ["pointer", "static_call"]);
    expect(both.map((c) => [c.name, c.flags.includes("-DREGCACHE_STATIC_CALL")])).toEqual([
      ["sc-pointer", false],
      ["sc", true],
    ]);
  });

  test("a bad dispatch value in a config file is RC602 at its position", () => {
    const parsed = parseConfigFile({
      displayPath: "m.yaml",
      text: "configs:\n  - { name: sc, compiler: gcc, dispatch: vtable }\n",
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["RC602"]);
    expect(parsed.diagnostics[0]!.message).toContain("pointer or static_call");
  });
});

describe("regcache size --dispatch pointer static_call", () => {
  const work = fileTempDir("dispatch");

  test("measures both styles; only the pointer build calls through the retpoline thunk", async () => {
    const keep = path.join(work, "keep");
    const r = await runCli([
      "size",
      "--config",
      "gcc-O2-retpoline",
      "--dispatch",
      "pointer",
      "static_call",
      "--keep",
      keep,
      "--format",
      "json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout).configs as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(["gcc-O2-retpoline", "gcc-O2-retpoline-static-call"]);
    // The base (all-cached) objects call cache_reg on every cached access.
    const disassembly = (config: string) =>
      fs
        .readdirSync(path.join(keep, config, "base"))
        .filter((f) => f.endsWith(".o"))
        .map((f) =>
          execFileSync("objdump", ["-dr", path.join(keep, config, "base", f)], {
            encoding: "utf8",
          }),
        )
        .join("\n");
    const pointer = disassembly("gcc-O2-retpoline");
    const staticCall = disassembly("gcc-O2-retpoline-static-call");
    expect(pointer).toMatch(/__x86_indirect_thunk/);
    expect(pointer).not.toMatch(/kvm_x86_cache_reg/);
    expect(staticCall).not.toMatch(/__x86_indirect_thunk|call\s+\*/);
    expect(staticCall).toMatch(/kvm_x86_cache_reg/);
  });
});

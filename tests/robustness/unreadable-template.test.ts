/*
 * A template that cannot be read is a diagnostic (RC001, exit 2), not a crash.
 */
import * as templates from "../../generator/targets/render/templates";
import { generate } from "../../generator/generate/produce";
import { formatDiagnostic } from "../../generator/core/diagnostics/diagnostic";
import { smallSpec, specText } from "./specs";

afterEach(() => jest.restoreAllMocks());

it.each([
  ["EACCES", "permission denied (EACCES)"],
  ["EISDIR", "it is a directory (EISDIR)"],
  ["ENOENT", "no such file or directory (ENOENT)"],
])("a template failing with %s is reported as RC001", (code, words) => {
  jest.spyOn(templates, "readTemplates").mockImplementation(() => {
    const err = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
    err.code = code;
    err.path = "/opt/regcache/templates/c/kvm_regs.h.hbs";
    throw err;
  });
  const r = generate({ specPath: "s.yaml", specText: specText(smallSpec) });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
    `/opt/regcache/templates/c/kvm_regs.h.hbs: error RC001: cannot read /opt/regcache/templates/c/kvm_regs.h.hbs: ${words}\n` +
      "  = help: check the path and its permissions\n",
  ]);
});

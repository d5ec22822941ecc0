/*
 * The spec's comments for the kernel block (generator/core/spec/docs.ts): the
 * comment sites an api has, api.docs checked against them (RC156, with the
 * accessor's doc named when the key is an accessor's function), a text that
 * would end its C comment refused in api.docs and in an accessor's doc
 * (RC157), too long a text (RC124), and the texts a good spec keeps.
 */
import {
  formatDiagnostic,
  sortDiagnostics,
} from "../../../../generator/core/diagnostics/diagnostic";
import { docSites } from "../../../../generator/core/spec/docs";
import { DEFAULT_API } from "../../../../generator/core/spec/kernel-shape";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec } from "../../../../generator/core/spec/validate";

/** A kernel spec with the given api lines (under `api:`) and accessors. */
const spec = (
  api: readonly string[],
  cr3 = "  - { register: cr3, field: cr3, read: kvm_read_cr3 }",
) => [
  "regcache: 1",
  "name: t",
  "mask: u64",
  "registers:",
  "  gpr: [rax, rcx, rdx, rsp, rip]",
  "  extended: [cr3]",
  "backends:",
  "  vmx: { lazy: [rsp, rip, cr3] }",
  "output:",
  "  targets: [kernel]",
  "api:",
  "  raw_pair: true",
  ...api,
  "accessors:",
  cr3,
];

function check(lines: readonly string[]) {
  const parsed = parseSpec({ displayPath: "s.yaml", text: lines.join("\n") + "\n" });
  if (!parsed.ok) throw new Error("the spec did not parse");
  return validateSpec(parsed.doc);
}

/** Each diagnostic's first line and its hint, in print order. */
function problems(lines: readonly string[]): string[] {
  const r = check(lines);
  if (r.ok) return [];
  return sortDiagnostics(r.diagnostics).map(
    (d) => `${formatDiagnostic(d).split("\n")[0]!} | ${d.hint}`,
  );
}

describe("docSites", () => {
  it("the GPR macro, then each helper the default api defines, in block order", () => {
    expect(docSites(DEFAULT_API)).toEqual([
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_is_available",
      "kvm_register_is_dirty",
      "kvm_register_mark_available",
      "kvm_register_mark_dirty",
      "kvm_register_read",
      "kvm_register_write",
      "kvm_read_edx_eax",
    ]);
  });

  it("Linux 7.2's api adds the assertion macro, the optional helpers and the masking pair", () => {
    expect(
      docSites({
        ...DEFAULT_API,
        rawPair: true,
        testAndMarkAvailable: true,
        markForReload: true,
        bulkHelpers: true,
        assert: { macro: "kvm_assert_x", condition: "in_task()" },
        gprFamily: "mode_aware",
        modeMask: "kvm_reg_mode_mask",
      }),
    ).toEqual([
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_assert_x",
      "kvm_register_is_available",
      "kvm_register_is_dirty",
      "kvm_register_mark_for_reload",
      "kvm_register_mark_available",
      "kvm_register_mark_dirty",
      "kvm_register_test_and_mark_available",
      "kvm_clear_available_registers",
      "kvm_reset_dirty_registers",
      "kvm_register_read_raw",
      "kvm_register_read",
      "kvm_register_write_raw",
      "kvm_register_write",
      "kvm_read_edx_eax",
    ]);
  });
});

describe("api.docs and an accessor's doc", () => {
  it("a good spec keeps each text as written, an empty one included", () => {
    const r = check(
      spec([
        "  docs:",
        "    BUILD_KVM_GPR_ACCESSORS: ''",
        "    kvm_register_read_raw: |",
        "      First line.",
        "",
        "      \tA tabbed line.",
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.docs).toEqual({
      BUILD_KVM_GPR_ACCESSORS: "",
      kvm_register_read_raw: "First line.\n\n\tA tabbed line.\n",
    });
  });

  it("a spec without api.docs has none", () => {
    const r = check(spec([]));
    expect(r.ok && r.spec.docs).toEqual({});
  });

  it("RC156: a site the block does not have, with the nearest site or the accessor's doc", () => {
    expect(
      problems(
        spec([
          "  docs:",
          "    kvm_register_mark_for_reload: x",
          "    kvm_read_cr3: y",
          "    kvm_register_is_availabel: z",
        ]),
      ),
    ).toEqual([
      "s.yaml:14:5: error RC156: api.docs names 'kvm_register_mark_for_reload', which is no comment site of this spec's block (did you mean 'kvm_register_mark_dirty'?) | name the GPR macro (BUILD_KVM_GPR_ACCESSORS), the api.assert macro, or a helper the api defines, by its C name",
      "s.yaml:15:5: error RC156: api.docs names 'kvm_read_cr3', which is no comment site of this spec's block (it is a function of the accessors of 'cr3') | give an accessor's comment as the doc of its accessors entry",
      "s.yaml:16:5: error RC156: api.docs names 'kvm_register_is_availabel', which is no comment site of this spec's block (did you mean 'kvm_register_is_available'?) | name the GPR macro (BUILD_KVM_GPR_ACCESSORS), the api.assert macro, or a helper the api defines, by its C name",
    ]);
  });

  it("the assertion macro is a site only when api.assert gives it", () => {
    const docs = ["  docs:", "    kvm_assert_x: Where the cache may be used."];
    expect(problems(spec(docs))).toEqual([
      expect.stringContaining("s.yaml:14:5: error RC156: api.docs names 'kvm_assert_x'"),
    ]);
    expect(
      check(spec(["  assert: { macro: kvm_assert_x, condition: 'in_task()' }", ...docs])).ok,
    ).toBe(true);
  });

  it("RC157: a text holding the end of a C comment, in api.docs or an accessor's doc", () => {
    expect(
      problems(
        spec(
          ["  docs:", "    kvm_register_is_dirty: 'a */ b'"],
          "  - { register: cr3, field: cr3, read: kvm_read_cr3, doc: 'c */' }",
        ),
      ),
    ).toEqual([
      "s.yaml:14:28: error RC157: api.docs.kvm_register_is_dirty holds '*/', which would end the C comment it is printed in | write it otherwise (e.g. '* /'): the text is printed as written",
      "s.yaml:16:59: error RC157: accessors[0].doc holds '*/', which would end the C comment it is printed in | write it otherwise (e.g. '* /'): the text is printed as written",
    ]);
  });

  it("a star and a slash apart are no end of comment", () => {
    expect(problems(spec(["  docs:", "    kvm_register_is_dirty: '* / and /*'"]))).toEqual([]);
  });

  it("RC124: a text past the doc limit", () => {
    expect(problems(spec(["  docs:", `    kvm_register_is_dirty: ${"x".repeat(2001)}`]))).toEqual([
      "s.yaml:14:28: error RC124: doc string is longer than 2000 characters | shorten it",
    ]);
  });

  it("RC103: a text that is not a string", () => {
    expect(problems(spec(["  docs:", "    kvm_register_is_dirty: [a]"]))).toEqual([
      expect.stringContaining(
        "s.yaml:14:28: error RC103: api.docs.kvm_register_is_dirty must be a string, found a list",
      ),
    ]);
  });

  it("RC152: api.docs in a spec that does not write the kernel target, which alone prints it", () => {
    const withTargets = (targets: string) =>
      spec(["  docs:", "    kvm_register_is_dirty: x"]).map((l) =>
        l === "  targets: [kernel]" ? `  targets: ${targets}` : l,
      );
    expect(problems(withTargets("[c, ts]"))).toEqual([
      "s.yaml:13:3: error RC152: api.docs is written only by the kernel target, which this spec does not write | add kernel to output.targets, or leave out api.docs",
    ]);
    // Beside the kernel target, the c and ts targets leave the comments to it.
    expect(problems(withTargets("[c, kernel, ts]"))).toEqual([]);
  });
});

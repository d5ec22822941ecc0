/*
 * overlay.ts: a profile's output, api and accessors with the header's answers
 * laid over them. A profile that agrees is left as it is, byte for byte; one
 * that does not gets the header's values in the spec's key order, keys the
 * header answers with a default removed, and its own nodes (docs included)
 * wherever they mean the same. The header's comments (api.docs, an
 * accessor's doc) are laid over it too, without being counted as a change;
 * the structural cases read the headers without them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, parseDocument, type YAMLMap } from "yaml";
import { readHeader, type HeaderFacts } from "../../../generator/import/header";
import { overlayHeader } from "../../../generator/import/overlay";
import { FIXTURE, FIXTURE_7_2 } from "../../import/synthetic-tree";

const REPO = path.join(__dirname, "..", "..", "..");
const names = (list: string[]) => list.map((name) => ({ name }));
const GPRS = [
  ...["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"],
  ...["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"],
];
const EXTENDED = ["pdptr", "cr0", "cr3", "cr4", "rflags", "segments", "exit_info_1", "exit_info_2"];

/** Facts without the header's comments: the structural cases compare with shipped specs, which have none. */
const bare = (f: HeaderFacts): HeaderFacts => ({
  ...f,
  api: { ...f.api, docs: {} },
  accessors: f.accessors.map((a) => {
    if (typeof a === "string") return a;
    const { doc: _doc, ...rest } = a;
    return rest;
  }),
});

const commented6 = (text?: string): HeaderFacts =>
  readHeader({
    name: "kvm_cache_regs.h",
    text: text ?? fs.readFileSync(path.join(FIXTURE, "src/arch/x86/kvm/kvm_cache_regs.h"), "utf8"),
    enum: { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_", gprCount: "NR_VCPU_REGS" },
    gpr: names([...GPRS, "rip"]),
    extended: names(EXTENDED),
  });
const facts6 = (text?: string): HeaderFacts => bare(commented6(text));
const commented72 = (): HeaderFacts =>
  readHeader({
    name: "regs.h",
    text: fs.readFileSync(path.join(FIXTURE_7_2, "src/arch/x86/kvm/regs.h"), "utf8"),
    enum: {
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_REG_",
      gprCount: "NR_VCPU_GENERAL_PURPOSE_REGS",
      total: "NR_VCPU_TOTAL_REGS",
    },
    gpr: names(GPRS),
    extended: names(["rip", ...EXTENDED]),
  });
const facts72 = (): HeaderFacts => bare(commented72());

/** The kernel-facing sections of a shipped spec, as a document of their own. */
function sectionsOf(spec: string, edit?: (text: string) => string) {
  const text = fs.readFileSync(path.join(REPO, "spec", spec), "utf8");
  const whole = parse(text) as Record<string, unknown>;
  const doc = parseDocument(
    (edit ?? ((t: string) => t))(text.slice(text.indexOf("\noutput:") + 1)),
  );
  return { doc, root: doc.contents as YAMLMap, whole };
}

const kernelSections = (spec: string) => {
  const { output, api, accessors } = parse(
    fs.readFileSync(path.join(REPO, "spec", spec), "utf8"),
  ) as Record<string, unknown>;
  return { output, api, accessors };
};

/** The sections with every guest_owned.value left out: the import's probe decides those (guest-bits.ts), not the header. */
const withoutValues = (sections: unknown) =>
  JSON.parse(JSON.stringify(sections), (key, v: unknown) =>
    key === "guest_owned" && v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== "value"))
      : v,
  ) as unknown;

describe("overlayHeader", () => {
  it("a profile the header agrees with: nothing changed, not a byte", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml");
    const before = doc.toString();
    expect(overlayHeader({ doc, root, facts: facts6() })).toEqual([]);
    expect(doc.toString()).toBe(before);
  });

  it("the 6.12 profile under a 7.2 header: 7.2's sections, new keys in the spec's order", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml");
    expect(overlayHeader({ doc, root, facts: facts72() })).toEqual([
      "output.kernel_header",
      "output.adopts",
      "api.mark_for_reload",
      "api.bulk_helpers",
      "api.assert",
      "api.gpr_family",
      "api.mode_mask",
      "api.e_pair",
      "api.always_inline",
      "accessors (rip, pdptr)",
    ]);
    const want = kernelSections("linux-7.2.yaml");
    const got = doc.toJS() as Record<string, Record<string, unknown>>;
    expect(Object.keys(got["api"]!)).toEqual(Object.keys(want.api as object));
    expect(withoutValues(got)).toEqual(withoutValues(want));
  });

  it("the 7.2 profile under a 6.12 header: what 6.12 lacks is removed, not set to its default", () => {
    const { doc, root } = sectionsOf("linux-7.2.yaml");
    overlayHeader({ doc, root, facts: facts6() });
    expect(withoutValues(doc.toJS())).toEqual(withoutValues(kernelSections("linux-6.12.yaml")));
  });

  it("a key the header does not read keeps the profile's value", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml", (t) =>
      t.replace("bitops: kernel", "bitops: regcache"),
    );
    const facts = { ...facts6(), unread: ["api.bitops"] };
    expect(overlayHeader({ doc, root, facts })).toEqual([]);
    expect((doc.toJS() as { api: { bitops: string } }).api.bitops).toBe("regcache");
  });

  it("an accessor meaning the same keeps the profile's node, its doc included", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml", (t) =>
      t.replace("  - register: cr3\n", "  - register: cr3\n    doc: read on demand\n"),
    );
    const before = doc.toString();
    expect(overlayHeader({ doc, root, facts: facts6() })).toEqual([]);
    expect(doc.toString()).toBe(before);
    expect(before).toContain("doc: read on demand");
  });

  it("a profile without an api section gets one, between output and accessors", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml", (t) =>
      t.replace(/^api:\n(?: {2}.*\n)+/m, ""),
    );
    const changed = overlayHeader({ doc, root, facts: facts6() });
    expect(changed).toEqual([
      "api.bitops",
      "api.raw_pair",
      "api.test_and_mark_available",
      "api.inline",
      "api.always_inline",
    ]);
    expect(Object.keys(doc.toJS() as object)).toEqual(["output", "api", "accessors"]);
  });
});

describe("overlayHeader: the header's comments", () => {
  it("api.docs holds each site's comment, and no key is reported changed for them", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml");
    expect(overlayHeader({ doc, root, facts: commented6() })).toEqual([]);
    const api = (doc.toJS() as { api: { docs: Record<string, string> } }).api;
    expect(Object.keys(api.docs)).toEqual([
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_is_available",
      "kvm_register_is_dirty",
      "kvm_register_mark_available",
      "kvm_register_mark_dirty",
      "kvm_register_test_and_mark_available",
      "kvm_register_read_raw",
      "kvm_register_write_raw",
      "kvm_read_edx_eax",
    ]);
    expect(api.docs["kvm_register_is_dirty"]).toBe("");
    expect(api.docs["kvm_register_is_available"]).toMatch(/^Synthetic tree: what the two bits/);
    // The last api key, written in block style.
    expect(doc.toString()).toMatch(/\n {2}docs:\n {4}BUILD_KVM_GPR_ACCESSORS: ""\n/);
  });

  it("an accessor's doc is the header's comment, in a block mapping; the profile's stays where the header has none", () => {
    const { doc, root } = sectionsOf("linux-6.12.yaml", (t) =>
      t.replace("  - register: cr3\n", "  - register: cr3\n    doc: the profile's words\n"),
    );
    overlayHeader({ doc, root, facts: commented6() });
    const accessors = (doc.toJS() as { accessors: (string | Record<string, unknown>)[] }).accessors;
    const docOf = (reg: string) =>
      accessors.find((a) => typeof a !== "string" && a["register"] === reg) as
        Record<string, unknown> | undefined;
    expect(docOf("cr0")?.["doc"]).toMatch(/^Synthetic tree: CR0 as the guest sees it/);
    expect(docOf("pdptr")?.["doc"]).toMatch(/^Synthetic tree: the four PDPTEs/);
    expect(docOf("cr4")?.["doc"]).toBeUndefined();
    expect(docOf("cr3")?.["doc"]).toBe("the profile's words");
    expect(doc.toString()).toContain(
      "    doc: |-\n      Synthetic tree: CR0 as the guest sees it.",
    );
  });

  it("Linux 7.2: the assertion macro's comment and the one inside kvm_clear_available_registers", () => {
    const { doc, root } = sectionsOf("linux-7.2.yaml");
    overlayHeader({ doc, root, facts: commented72() });
    const docs = (doc.toJS() as { api: { docs: Record<string, string> } }).api.docs;
    expect(docs["kvm_assert_register_caching_allowed"]).toMatch(/^Synthetic tree: only the vCPU/);
    expect(docs["kvm_clear_available_registers"]).toMatch(/^Synthetic tree: an AND rather/);
    expect(docs["kvm_register_mark_for_reload"]).toBe("");
  });
});

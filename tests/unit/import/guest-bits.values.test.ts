import { parseDocument } from "yaml";
import {
  guestBitsKey,
  guestBitsMacros,
  guestBitsProbeItems,
  layGuestBits,
  readGuestBits,
  writtenValue,
} from "../../../generator/import/guest-bits";

const SPEC = `accessors:
  - rax
  - register: cr0
    field: cr0
    guest_owned: {possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits}
  - register: cr4
    field: cr4
    # CET.
    guest_owned: {possible: KVM_POSSIBLE_CR4_GUEST_BITS, owned: cr4_guest_owned_bits, value: 0x81078e}
`;
const show = (doc: ReturnType<typeof parseDocument>) =>
  doc.toString({ lineWidth: 0, flowCollectionPadding: false });

describe("guest-bits", () => {
  it("names each macro the accessors give as guest_owned.possible, once, in order", () => {
    expect(guestBitsMacros(parseDocument(SPEC))).toEqual([
      "KVM_POSSIBLE_CR0_GUEST_BITS",
      "KVM_POSSIBLE_CR4_GUEST_BITS",
    ]);
  });

  it("asks for each macro under #ifdef, and never for a name that is not an identifier", () => {
    expect(guestBitsProbeItems(["KVM_X", "1); evil(", ""])).toEqual([
      { key: guestBitsKey("KVM_X"), expression: "KVM_X", condition: "#ifdef KVM_X" },
    ]);
  });

  it("a macro the probe did not see, or a probe that failed, is unevaluated", () => {
    const macros = ["A", "B"];
    const bits = readGuestBits(macros, new Map([[guestBitsKey("A"), 5n]]), "arch/x86/kvm/x86.c");
    expect([...bits.values]).toEqual([["A", 5n]]);
    expect(bits.unevaluated).toEqual(["B"]);
    expect(bits.unit).toBe("arch/x86/kvm/x86.c");
    expect(readGuestBits(macros, undefined).unevaluated).toEqual(macros);
  });

  it("writes a value only where it is not regcache's own", () => {
    expect(writtenValue("KVM_POSSIBLE_CR4_GUEST_BITS", 0x1078en)).toBeUndefined();
    expect(writtenValue("KVM_POSSIBLE_CR4_GUEST_BITS", 0x81078en)).toBe(0x81078en);
    expect(writtenValue("KVM_POSSIBLE_CR9_GUEST_BITS", 0x3n)).toBe(0x3n);
    expect(writtenValue("KVM_POSSIBLE_CR9_GUEST_BITS", undefined)).toBeUndefined();
  });

  it("lays the tree's values over the accessors: lowercase hex, regcache's own and unevaluated left out", () => {
    const doc = parseDocument(SPEC);
    layGuestBits(doc, {
      values: new Map([
        ["KVM_POSSIBLE_CR0_GUEST_BITS", 0xabcd0n],
        ["KVM_POSSIBLE_CR4_GUEST_BITS", 0x1078en],
      ]),
      unevaluated: [],
    });
    const text = show(doc);
    expect(text).toContain(
      "guest_owned: {possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits, value: 0xabcd0}",
    );
    expect(text).toContain(
      "guest_owned: {possible: KVM_POSSIBLE_CR4_GUEST_BITS, owned: cr4_guest_owned_bits}",
    );

    const unevaluated = parseDocument(SPEC);
    layGuestBits(unevaluated, { values: new Map(), unevaluated: ["KVM_POSSIBLE_CR4_GUEST_BITS"] });
    expect(show(unevaluated)).not.toContain("value:");
  });

  it("a value past what a YAML number holds exactly is written as a 0x string", () => {
    const doc = parseDocument(SPEC);
    layGuestBits(doc, {
      values: new Map([["KVM_POSSIBLE_CR0_GUEST_BITS", 0xffffffffffffffffn]]),
      unevaluated: [],
    });
    expect(show(doc)).toContain('value: "0xffffffffffffffff"');
  });
});

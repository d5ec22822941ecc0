/*
 * The handler suite's accessor calls against a spec's registers: what counts
 * as a register the suite needs, and what does not.
 */
import {
  accessorCalls,
  missingRegisters,
} from "../../../../generator/size/measure/suite-registers";

const source = {
  path: "h.c",
  text: [
    "void f(struct kvm_vcpu *v) {",
    "\tkvm_rax_write(v, kvm_rbp_read(v));",
    "\tkvm_exit_info_1_read (v); kvm_register_read(v, 3); kvm_read_edx_eax(v);",
    "}",
  ].join("\n"),
};

test("finds every per-register call with its position", () => {
  expect(accessorCalls([source]).map((c) => `${c.call}@${c.line}:${c.column}`)).toEqual([
    "kvm_rax_write@2:2",
    "kvm_rbp_read@2:19",
    "kvm_exit_info_1_read@3:2",
    "kvm_register_read@3:28",
  ]);
});

const helper = "static inline u64 kvm_register_read(";
test.each([
  ["every register there", ["rax", "rbp", "exit_info_1"], [helper], []],
  ["rbp dropped", ["rax", "exit_info_1"], [helper], ["rbp"]],
  [
    "functions spelled out in the generated text are not registers",
    ["rax"],
    [helper, "kvm_exit_info_1_read"],
    ["rbp"],
  ],
  [
    "a helper nobody defines is reported like a register",
    ["rax", "rbp", "exit_info_1"],
    [],
    ["register"],
  ],
])("%s", (_name, registers, elsewhere, want) => {
  const missing = missingRegisters(accessorCalls([source]), new Set(registers), elsewhere);
  expect(missing.map((c) => c.register)).toEqual(want);
});

test("Linux 7.2's raw pair and 32-bit pair are per-register calls too", () => {
  const seven = {
    path: "regs.c",
    text: "\tregs->rbp = kvm_rbp_read_raw(vcpu);\n\tkvm_ebp_write(vcpu, 1); kvm_register_read_raw(vcpu, 2);\n",
  };
  const calls = accessorCalls([seven]);
  expect(calls.map((c) => `${c.register} ${c.call}@${c.line}:${c.column}`)).toEqual([
    "rbp kvm_rbp_read_raw@1:14",
    "ebp kvm_ebp_write@2:2",
    "register kvm_register_read_raw@2:26",
  ]);
  const generated = ["static inline unsigned long kvm_register_read_raw("];
  const missing = (registers: string[]) =>
    missingRegisters(calls, new Set(registers), generated).map(
      (m) => `${m.register}${m.pairOnly ? " pair" : ""} ${m.call.call}`,
    );
  // A 7.2-shaped side without rbp lacks the register, found at its first call (the raw read).
  expect(missing(["rax"])).toEqual(["rbp kvm_rbp_read_raw"]);
  // With rbp but no 32-bit pair for it (api.e_pair does not list rbp): the pair alone.
  expect(missing(["rax", "rbp"])).toEqual(["rbp pair kvm_ebp_write"]);
  expect(missing(["rbp", "ebp"])).toEqual([]);
});

/*
 * A catalog entry's constructor (generator/core/diagnostics/entry.ts): error()
 * makes an entry of severity error with the message and hint as given, and
 * nothing else (in particular not reserved).
 */
import { error } from "../../../../generator/core/diagnostics/entry";
import fc from "fast-check";

test("error() keeps the message and hint as written, and is not reserved", () => {
  expect(error("unknown key '{0}'", "allowed keys: {1}")).toEqual({
    severity: "error",
    message: "unknown key '{0}'",
    hint: "allowed keys: {1}",
  });
  expect("reserved" in error("m", "")).toBe(false);
});

test("error() of any texts is an error with exactly those texts", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (message, hint) => {
      const e = error(message, hint);
      expect(Object.keys(e).sort()).toEqual(["hint", "message", "severity"]);
      expect([e.severity, e.message, e.hint]).toEqual(["error", message, hint]);
    }),
  );
});

/*
 * The edge's decisions (generator/cli/io.ts): colour follows the stream it
 * is written to, FORCE_COLOR and NO_COLOR as their conventions say; a fault's
 * kind becomes its exit code.
 */
import { colourFor, exitCodeOf, type Io } from "../../../generator/cli/io";

const io = (isTTY: boolean, isErrTTY: boolean, env: NodeJS.ProcessEnv = {}): Io => ({
  stdout: () => undefined,
  stderr: () => undefined,
  isTTY,
  isErrTTY,
  env,
  cwd: "/",
});

test.each([
  ["stdout a terminal, stderr a file (2> err.log)", io(true, false), false, true],
  ["stderr a terminal, stdout a pipe", io(false, true), true, false],
  ["both terminals", io(true, true), true, true],
  ["neither", io(false, false), false, false],
  ["both terminals, NO_COLOR=1", io(true, true, { NO_COLOR: "1" }), false, false],
  [
    "both terminals, NO_COLOR empty (not set, by the convention)",
    io(true, true, { NO_COLOR: "" }),
    true,
    true,
  ],
  ["neither, FORCE_COLOR=1", io(false, false, { FORCE_COLOR: "1" }), true, true],
  ["neither, FORCE_COLOR empty", io(false, false, { FORCE_COLOR: "" }), true, true],
  ["both terminals, FORCE_COLOR=0", io(true, true, { FORCE_COLOR: "0" }), false, false],
  ["both terminals, FORCE_COLOR=false", io(true, true, { FORCE_COLOR: "false" }), false, false],
  [
    "FORCE_COLOR=1 over NO_COLOR=1",
    io(false, false, { FORCE_COLOR: "1", NO_COLOR: "1" }),
    true,
    true,
  ],
])("%s", (_name, given, stderr, stdout) => {
  expect(colourFor(given, "stderr")).toBe(stderr);
  expect(colourFor(given, "stdout")).toBe(stdout);
});

test.each([
  ["usage", 2],
  ["environment", 3],
] as const)("a %s fault exits %d", (kind, code) => expect(exitCodeOf(kind)).toBe(code));

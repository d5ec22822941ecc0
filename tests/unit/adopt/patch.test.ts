/*
 * unifiedDiff: the form `patch -p1` applies from a tree's top (a/ and b/
 * prefixes, /dev/null and a `0,0` range for a file created or removed).
 */
import { unifiedDiff } from "../../../generator/adopt/patch";

describe("unifiedDiff", () => {
  test.each([
    ["an unchanged file gives nothing", [{ path: "x.h", before: "a\n", after: "a\n" }], ""],
    [
      "a created file",
      [{ path: "d/new.h", before: undefined, after: "a\nb\n" }],
      "--- /dev/null\n+++ b/d/new.h\n@@ -0,0 +1,2 @@\n+a\n+b\n",
    ],
    [
      "a removed file",
      [{ path: "old.h", before: "a\n", after: undefined }],
      "--- a/old.h\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n",
    ],
    [
      "a changed line, without a final newline",
      [{ path: "x.h", before: "a\nb", after: "a\nc" }],
      "--- a/x.h\n+++ b/x.h\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
    ],
  ])("%s", (_name, changes, want) => {
    expect(unifiedDiff(changes)).toBe(want);
  });

  test("several files, in the order given", () => {
    const diff = unifiedDiff([
      { path: "b.h", before: "1\n", after: "2\n" },
      { path: "a.h", before: "1\n", after: "2\n" },
    ]);
    expect(diff.indexOf("+++ b/b.h")).toBeLessThan(diff.indexOf("+++ b/a.h"));
  });
});

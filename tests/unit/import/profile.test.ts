/*
 * The shipped kernel profiles (generator/import/profile.ts): which files are
 * profiles, in version order, and which one a tree's release takes its API
 * details from.
 */
import {
  compareVersions,
  listProfiles,
  nearestProfile,
  parseKernelVersion,
} from "../../../generator/import/profile";

const files = [
  "x86-kvm.yaml",
  "linux-6.12.yaml",
  "linux-6.1.yaml",
  "linux-5.10.yaml",
  "regcache.schema.json",
];
const nearest: [string, { release: string; want: string }][] = [
  ["the same major.minor", { release: "6.1.192", want: "linux-6.1" }],
  ["a later stable release of a profiled series", { release: "6.12.117-rc1+", want: "linux-6.12" }],
  ["between two profiles: the older one", { release: "6.6.30", want: "linux-6.1" }],
  ["newer than every profile: the newest", { release: "6.17.0", want: "linux-6.12" }],
  ["older than every profile: the oldest", { release: "5.4.0", want: "linux-5.10" }],
  ["no version at all: the newest", { release: "unknown", want: "linux-6.12" }],
];

describe("nearestProfile", () => {
  it("lists only linux-N.N.yaml, oldest first (numerically: 6.12 after 6.1)", () => {
    expect(listProfiles(files).map((p) => p.name)).toEqual([
      "linux-5.10",
      "linux-6.1",
      "linux-6.12",
    ]);
  });
  it.each(nearest)("%s", (_name, { release, want }) => {
    expect(nearestProfile(listProfiles(files), parseKernelVersion(release))?.name).toBe(want);
  });
  it("no profiles: none", () => {
    expect(nearestProfile([], parseKernelVersion("6.1.0"))).toBeUndefined();
  });
});

test.each([
  ["6.1.158", { major: 6, minor: 1 }],
  ["6.12.0-rc3+", { major: 6, minor: 12 }],
  ["10.0", { major: 10, minor: 0 }],
  ["6", undefined],
  ["v6.1", undefined],
  ["", undefined],
])("parseKernelVersion(%p)", (release, want) => expect(parseKernelVersion(release)).toEqual(want));

test("compareVersions: major first, then minor, numerically", () => {
  const v = (major: number, minor: number) => ({ major, minor });
  expect(compareVersions(v(6, 12), v(6, 1))).toBeGreaterThan(0);
  expect(compareVersions(v(5, 19), v(6, 0))).toBeLessThan(0);
  expect(compareVersions(v(6, 1), v(6, 1))).toBe(0);
});

test("listProfiles: what each profile is called and which version it is", () => {
  expect(
    listProfiles(["linux-6.1.yaml", "linux-6.1.yml", "Linux-6.2.yaml", "linux-6.x.yaml"]),
  ).toEqual([{ file: "linux-6.1.yaml", name: "linux-6.1", version: { major: 6, minor: 1 } }]);
});

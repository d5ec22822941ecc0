/*
 * The import's pure pieces, table by table: how a recorded command becomes a
 * probe command (every output redirected, nothing else touched), and which
 * shipped profile a tree's version takes its API details from.
 */
import { probeArgv } from "../../generator/import/probe-run";
import type { CompileCommand } from "../../generator/toolchain/compile-db";
import { listProfiles, nearestProfile, parseKernelVersion } from "../../generator/import/profile";

const entry = (argv: string[]): CompileCommand => ({
  directory: "/k/build",
  file: "/k/arch/x86/kvm/x86.c",
  argv,
  index: 0,
});

const rewrites: [string, { given: string[]; want: string[] }][] = [
  [
    "kbuild's -Wp,-MMD, -c and -o dropped, the source replaced",
    {
      given: [
        "gcc",
        "-Wp,-MMD,arch/x86/kvm/.x86.o.d",
        "-O2",
        "-c",
        "-o",
        "arch/x86/kvm/x86.o",
        "../arch/x86/kvm/x86.c",
      ],
      want: ["gcc", "-O2", "-c", "/t/probe.c", "-o", "/t/probe.o"],
    },
  ],
  [
    "-MD -MF x -MT y and -ofile forms",
    {
      given: [
        "clang",
        "-MD",
        "-MF",
        "x.d",
        "-MT",
        "x.o",
        "-MQ",
        "q",
        "-MFy.d",
        "-ox.o",
        "-I./include",
        "/k/arch/x86/kvm/x86.c",
      ],
      want: ["clang", "-I./include", "-c", "/t/probe.c", "-o", "/t/probe.o"],
    },
  ],
  [
    "-save-temps (writes into the working directory) dropped, other flags kept in order",
    {
      given: [
        "gcc",
        "-save-temps",
        "-save-temps=obj",
        "-include",
        "./include/generated/autoconf.h",
        "-DX=1",
        "-c",
        "x86.c",
      ],
      want: [
        "gcc",
        "-include",
        "./include/generated/autoconf.h",
        "-DX=1",
        "-c",
        "/t/probe.c",
        "-o",
        "/t/probe.o",
      ],
    },
  ],
];

describe("probeArgv", () => {
  it.each(rewrites)("%s", (_name, { given, want }) => {
    const e = entry(given);
    const fixed = given.includes("x86.c") ? { ...e, directory: "/k/arch/x86/kvm" } : e;
    expect(probeArgv(fixed, "/t/probe.c", "/t/probe.o")).toEqual(want);
  });
});

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

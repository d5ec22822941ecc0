/*
 * The layer rule of docs/dev/architecture.md, checked in CI (.ci/run, `npm
 * run lint:layers`): imports point down, cli → {output, size, import, adopt}
 * → generate → {targets, toolchain} → core → util; features never import
 * each other; no module imports cli; no import circles. generate/ (spec →
 * generated files) sits below the features because output, size and import
 * all produce files from a spec: what features share moves down.
 */
const FEATURES = ["output", "size", "import", "adopt"];
const under = (folder) => `^generator/${folder}/`;
const anyOf = (folders) => `^generator/(${folders.join("|")})/`;

/** A layer may import only from itself and the layers below it. */
const onlyDown = (name, folder, allowed) => ({
  name,
  comment: `generator/${folder}/ imports only from ${allowed.join(", ")}`,
  severity: "error",
  from: { path: under(folder) },
  to: { path: "^generator/", pathNot: anyOf(allowed) },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle is a design bug: move what both sides need down a layer.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    onlyDown("util-is-the-floor", "util", ["util"]),
    onlyDown("core-imports-util", "core", ["core", "util"]),
    onlyDown("targets-import-core", "targets", ["targets", "core", "util"]),
    onlyDown("toolchain-imports-core", "toolchain", ["toolchain", "core", "util"]),
    onlyDown("generate-imports-targets", "generate", [
      "generate",
      "targets",
      "toolchain",
      "core",
      "util",
    ]),
    ...FEATURES.map((feature) =>
      onlyDown(`${feature}-is-a-feature`, feature, [
        feature,
        "generate",
        "targets",
        "toolchain",
        "core",
        "util",
      ]),
    ),
    {
      name: "generator-is-layered",
      comment: "Every module of generator/ lives in a layer's folder.",
      severity: "error",
      from: { path: "^generator/[^/]+\\.ts$" },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
  },
};

// Lets plain node require the kernel harness's .ts modules: each is
// transpiled in memory with the project's TypeScript (no type check; jest and
// tsc do that), CommonJS output.
"use strict";
const fs = require("fs");
const ts = require("typescript");

require.extensions[".ts"] = function (module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};

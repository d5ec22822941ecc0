/*
 * `regcache watch` with the templates removed and restored (`rm -rf templates`,
 * then `cp -a` back), driven in-process against a copy of the templates in a
 * throw-away project (util/paths' templatesDir points there): one line saying
 * templates/ is gone (not "invalid spec"), the output left alone, a run when
 * they are back, and a later template edit seen; the same line when they go
 * while a run reads them.
 */
import * as fs from "fs";
import * as path from "path";
import { watch } from "../../generator/cli/commands/watch";
import { capturingIo, repoRoot, snapshot, tempProject, until, watchArgs } from "./helpers";

/** Where templatesDir() points while a test runs; the repo's own templates otherwise. */
let mockTemplates: string | undefined;
jest.mock("../../generator/util/paths", () => {
  const actual = jest.requireActual("../../generator/util/paths");
  return { ...actual, templatesDir: () => mockTemplates ?? actual.templatesDir() };
});

/** Done at the start of the next regeneration, then cleared. */
let mockDuringRun: (() => void) | undefined;
jest.mock("../../generator/cli/commands/generate", () => {
  const actual = jest.requireActual("../../generator/cli/commands/generate");
  return {
    ...actual,
    regenerate: (...args: unknown[]) => {
      const during = mockDuringRun;
      mockDuringRun = undefined;
      during?.();
      return actual.regenerate(...args);
    },
  };
});

let project: string;
let controller: AbortController | undefined;
beforeEach(() => {
  project = tempProject("watch-templates");
  mockTemplates = path.join(project, "templates");
  fs.cpSync(path.join(repoRoot, "templates"), mockTemplates, { recursive: true });
});
afterEach(() => {
  controller?.abort();
  controller = undefined;
  mockTemplates = undefined;
  mockDuringRun = undefined;
  fs.rmSync(project, { recursive: true, force: true });
});

test("the templates removed and restored: says so once, keeps the output, re-arms", async () => {
  const c = capturingIo(project);
  controller = new AbortController();
  const printed = () => c.stdout() + c.stderr();
  const args = watchArgs();
  const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
  await until(
    () => /watching spec\/x86-kvm\.yaml and templates\//.test(c.stdout()),
    "the first run",
    printed,
  );
  const gen = path.join(project, "generated");
  const good = snapshot(gen);
  const templates = mockTemplates!;
  const backup = path.join(project, "templates.bak");
  fs.cpSync(templates, backup, { recursive: true });

  fs.rmSync(templates, { recursive: true });
  const goneLine =
    /^\[\d\d:\d\d:\d\d\] templates\/ is gone; keeping the last good output in generated\/; waiting for it to come back$/m;
  await until(() => goneLine.test(c.stdout()), "the line saying templates/ is gone", printed);
  expect(snapshot(gen)).toEqual(good);

  const beforeBack = c.stdout().length;
  fs.cpSync(backup, templates, { recursive: true });
  await until(
    () =>
      /\] templates\b[^\n]* changed: generated\/ is up to date/.test(c.stdout().slice(beforeBack)),
    "the run when they are back",
    printed,
  );

  // The restored tree is watched: an edit of a template regenerates from it.
  const template = path.join(templates, "c", "kvm_regs.h.hbs");
  fs.appendFileSync(template, "/* edited */\n");
  await until(
    () => fs.readFileSync(path.join(gen, "c", "kvm_regs.h"), "utf8").includes("/* edited */"),
    "the run after the edit",
    printed,
  );
  // Named among what changed: under load the restore's last events can join the edit's run.
  expect(c.stdout()).toMatch(
    /\] (?:[^\n]*, )?templates\/c\/kvm_regs\.h\.hbs(?:, [^\n]*)? changed: updated generated\/c\/kvm_regs\.h/,
  );

  controller.abort();
  await expect(done).resolves.toBe(0);
  expect(c.stdout().match(new RegExp(goneLine.source, "gm"))).toHaveLength(1);
  expect(printed()).not.toMatch(/invalid spec|RC001|cannot watch|internal error/);
});

test("the templates removed while a run reads them: says they are gone, not that the spec is invalid", async () => {
  const c = capturingIo(project);
  controller = new AbortController();
  const printed = () => c.stdout() + c.stderr();
  const args = watchArgs();
  const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
  await until(() => /watching spec\/x86-kvm\.yaml/.test(c.stdout()), "the first run", printed);
  const templates = mockTemplates!;

  // The run starts with the templates there (the check before it passes) and finds them gone.
  mockDuringRun = () => fs.rmSync(templates, { recursive: true });
  fs.appendFileSync(path.join(project, "spec", "x86-kvm.yaml"), "# edited\n");
  await until(
    () => /templates\/ is gone/.test(c.stdout()),
    "the line saying templates/ is gone",
    printed,
  );
  expect(mockDuringRun).toBeUndefined();

  controller.abort();
  await expect(done).resolves.toBe(0);
  expect(printed()).not.toMatch(/invalid spec|RC001|cannot watch|internal error/);
});

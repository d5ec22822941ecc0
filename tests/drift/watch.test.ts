/*
 * `regcache watch`, driven in-process: it regenerates when the spec changes,
 * survives an invalid spec (diagnostics, last good output kept), picks up the
 * fix, and stops with exit 0 on abort and on SIGINT.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../generator/cli/main";
import { watch } from "../../generator/cli/commands/watch";
import {
  capturingIo,
  editSpec,
  rspAlwaysAvailable,
  snapshot,
  specFile,
  tempProject,
  until,
  watchArgs,
} from "./helpers";

const linesOf = (text: string) => text.split("\n").filter((l) => l !== "");

// Every watcher a test starts is stopped after it, also when an assertion failed
// before the test's own abort (a watcher left running keeps jest from exiting).
const controllers: AbortController[] = [];
const newController = (): AbortController => {
  const controller = new AbortController();
  controllers.push(controller);
  return controller;
};
afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort();
});

describe("regcache watch", () => {
  let project: string;
  let gen: string;
  beforeEach(() => {
    project = tempProject("watch");
    gen = path.join(project, "generated");
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test("regenerates on a spec change, keeps the last good output on an invalid spec, recovers", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const args = watchArgs();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });

    // The first run generates the tree.
    await until(() => /watching spec\/x86-kvm\.yaml/.test(c.stdout()), "the first run", printed);
    expect(linesOf(c.stdout())[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\] created generated\/c\/kvm_cache_regs\.h, created generated\/c\/kvm_regs\.h(, created [^,]+)* \(\d+ changed, 0 unchanged\)$/,
    );
    const first = fs.readFileSync(path.join(gen, "c/kvm_cache_regs.h"), "utf8");
    expect(first).toContain("return kvm_register_read_raw(vcpu, VCPU_REGS_RSP);");

    // A spec change: one line naming the spec and what was written.
    editSpec(project, rspAlwaysAvailable);
    await until(() => linesOf(c.stdout()).length >= 3, "the regenerate line", printed);
    expect(linesOf(c.stdout())[2]).toMatch(
      /^\[\d\d:\d\d:\d\d\] spec\/x86-kvm\.yaml changed: updated generated\/c\/kvm_cache_regs\.h, updated generated\/c\/kvm_regs\.h(, updated [^,]+)* \(\d+ changed, 0 unchanged\)$/,
    );
    const good = snapshot(gen);
    expect(good.get("c/kvm_cache_regs.h")!.contents).toContain(
      "return vcpu->arch.regs[VCPU_REGS_RSP];",
    );
    expect(good.get("c/kvm_cache_regs.h")!.contents).not.toContain(
      "kvm_register_read_raw(vcpu, VCPU_REGS_RSP)",
    );

    // An invalid spec: diagnostics, and the output stays as it was.
    editSpec(project, (t) => t.replace("lazy: [pdptr]", "lazy: [pdptx]"));
    await until(() => linesOf(c.stdout()).length >= 4, "the invalid-spec line", printed);
    expect(linesOf(c.stdout())[3]).toMatch(
      /spec\/x86-kvm\.yaml changed: invalid spec; keeping the last good output in generated\/$/,
    );
    expect(c.stderr()).toMatch(/^spec\/x86-kvm\.yaml:\d+:\d+: error RC\d+: .*'pdptx'/m);
    expect(snapshot(gen)).toEqual(good);

    // Fixed: regenerates again (the same output as before the mistake: nothing to write).
    editSpec(project, (t) => t.replace("lazy: [pdptx]", "lazy: [pdptr]"));
    await until(() => linesOf(c.stdout()).length >= 5, "the recovery line", printed);
    expect(linesOf(c.stdout())[4]).toMatch(
      /spec\/x86-kvm\.yaml changed: generated\/ is up to date \(\d+ files unchanged\)$/,
    );
    expect(snapshot(gen)).toEqual(good);

    // An editor that saves by writing a new file and renaming it over the spec.
    const spec = path.join(project, "spec/x86-kvm.yaml");
    const tmp = path.join(project, "spec/.x86-kvm.yaml.swp");
    const withDoc = fs
      .readFileSync(spec, "utf8")
      .replace("\n  vmx:\n", "\n  vmx:\n    doc: the VMCS keeps these\n");
    fs.writeFileSync(tmp, withDoc);
    fs.renameSync(tmp, spec);
    await until(() => linesOf(c.stdout()).length >= 6, "the line after a rename-save", printed);
    expect(linesOf(c.stdout())[5]).toMatch(/spec\/x86-kvm\.yaml changed: updated /);
    // A backend's doc is a comment beside its sets in kvm_regs.h; the accessors do not change.
    expect(fs.readFileSync(path.join(gen, "c/kvm_regs.h"), "utf8")).not.toBe(
      good.get("c/kvm_regs.h")!.contents,
    );
    expect(fs.readFileSync(path.join(gen, "c/kvm_cache_regs.h"), "utf8")).toBe(
      good.get("c/kvm_cache_regs.h")!.contents,
    );

    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(linesOf(c.stdout()).pop()).toMatch(/stopped watching$/);
  });

  test("a burst of writes is one run (debounced)", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const args = watchArgs();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 150 });
    await until(() => /watching/.test(c.stdout()), "the first run", c.stdout);
    const spec = path.join(project, "spec/x86-kvm.yaml");
    const text = fs.readFileSync(spec, "utf8");
    for (let i = 0; i < 5; i++) fs.writeFileSync(spec, `${text}# save ${i}\n`);
    await until(() => linesOf(c.stdout()).length >= 3, "a run", c.stdout);
    await new Promise((r) => setTimeout(r, 400));
    expect(linesOf(c.stdout())).toHaveLength(3);
    controller.abort();
    await expect(done).resolves.toBe(0);
  });

  test("the spec's directory removed and re-created: says so once, keeps the output, re-arms", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const args = watchArgs();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(() => /watching spec\/x86-kvm\.yaml/.test(c.stdout()), "the first run", printed);
    const kvm = path.join(gen, "c/kvm_cache_regs.h");
    const first = fs.readFileSync(kvm, "utf8");
    const good = snapshot(gen);
    const specDir = path.join(project, "spec");
    const saved = fs.readFileSync(specFile(project), "utf8");

    // Gone (as `rm -rf spec`): one line, the output left as it was.
    fs.rmSync(specDir, { recursive: true });
    const goneLine =
      /^\[\d\d:\d\d:\d\d\] spec\/ is gone; keeping the last good output in generated\/; waiting for it to come back$/m;
    await until(() => goneLine.test(c.stdout()), "the line saying spec/ is gone", printed);
    expect(snapshot(gen)).toEqual(good);

    // Back (as `git checkout spec`: the directory, then its files), with an edit: regenerated.
    fs.mkdirSync(specDir);
    fs.writeFileSync(specFile(project), rspAlwaysAvailable(saved));
    await until(() => fs.readFileSync(kvm, "utf8") !== first, "the run after re-creation", printed);
    expect(fs.readFileSync(kvm, "utf8")).toContain("return vcpu->arch.regs[VCPU_REGS_RSP];");

    // The new directory is watched: a later edit is seen too.
    editSpec(project, () => saved);
    await until(() => fs.readFileSync(kvm, "utf8") === first, "an edit in the new spec/", printed);

    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(c.stdout().match(new RegExp(goneLine.source, "gm"))).toHaveLength(1);
    expect(c.stderr()).not.toMatch(/cannot watch|internal error/);
  });

  test("the spec's directory replaced by another (renamed over): the new one is watched", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const args = watchArgs();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(() => /watching spec\/x86-kvm\.yaml/.test(c.stdout()), "the first run", printed);
    const kvm = path.join(gen, "c/kvm_cache_regs.h");
    const first = fs.readFileSync(kvm, "utf8");
    const specDir = path.join(project, "spec");
    const saved = fs.readFileSync(specFile(project), "utf8");

    // A tool that writes the new directory beside the old one and swaps them.
    fs.cpSync(specDir, path.join(project, "spec.new"), { recursive: true });
    fs.renameSync(specDir, path.join(project, "spec.old"));
    fs.renameSync(path.join(project, "spec.new"), specDir);
    fs.rmSync(path.join(project, "spec.old"), { recursive: true });
    await until(() => linesOf(c.stdout()).length >= 3, "the run after the swap", printed);

    // Edits in the new directory regenerate; the old one is no longer watched.
    editSpec(project, rspAlwaysAvailable);
    await until(() => fs.readFileSync(kvm, "utf8") !== first, "an edit in the new spec/", printed);
    editSpec(project, () => saved);
    await until(() => fs.readFileSync(kvm, "utf8") === first, "a second edit", printed);

    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(c.stderr()).not.toMatch(/cannot watch|internal error/);
  });

  test("from the command line: SIGINT stops it with exit 0", async () => {
    const c = capturingIo(project);
    const done = main(["watch"], c.io);
    await until(() => /watching/.test(c.stdout()), "the first run", c.stdout);
    expect(process.listenerCount("SIGINT")).toBeGreaterThan(0);
    process.emit("SIGINT");
    await expect(done).resolves.toBe(0);
    expect(c.stdout()).toMatch(/stopped watching\n$/);
  });

  test("a spec directory that does not exist: a missing path the user named, exit 2", async () => {
    const c = capturingIo(project);
    const code = await main(["watch", "--spec", "nowhere/spec.yaml"], c.io);
    expect(code).toBe(2);
    expect(c.stderr()).toMatch(
      /^regcache: error: cannot watch nowhere: no such file or directory \(ENOENT\)/,
    );
  });
});

describe("regcache watch: paths, line endings and usage", () => {
  let project: string;
  beforeEach(() => {
    project = tempProject("watch13");
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  const args = watchArgs("spec/current.yaml");
  const kvm = () => path.join(project, "generated", "c", "kvm_cache_regs.h");

  test("follows a symlinked spec: edits to its target regenerate, a swapped link is re-resolved", async () => {
    const specs = path.join(project, "spec");
    // The targets live in another directory than the link, as when specs are switched by a link.
    const store = path.join(project, "store");
    fs.mkdirSync(store);
    fs.copyFileSync(path.join(specs, "x86-kvm.yaml"), path.join(store, "a.yaml"));
    fs.copyFileSync(path.join(specs, "x86-kvm.yaml"), path.join(store, "b.yaml"));
    fs.symlinkSync(path.join("..", "store", "a.yaml"), path.join(specs, "current.yaml"));
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    const runs = () => linesOf(c.stdout()).filter((l) => /^\[/.test(l)).length;
    await until(() => /watching spec\/current\.yaml/.test(c.stdout()), "the first run", printed);
    const first = fs.readFileSync(kvm(), "utf8");

    // An edit of the file the link points to.
    const a = path.join(store, "a.yaml");
    fs.writeFileSync(a, rspAlwaysAvailable(fs.readFileSync(a, "utf8")));
    await until(() => fs.readFileSync(kvm(), "utf8") !== first, "the edit of a.yaml", printed);
    const edited = fs.readFileSync(kvm(), "utf8");

    // The link swapped to b.yaml (unedited), then b.yaml edited: both are seen.
    const n = runs();
    fs.rmSync(path.join(specs, "current.yaml"));
    fs.symlinkSync(path.join("..", "store", "b.yaml"), path.join(specs, "current.yaml"));
    await until(() => runs() > n && fs.readFileSync(kvm(), "utf8") === first, "the swap", printed);
    const b = path.join(store, "b.yaml");
    fs.writeFileSync(b, rspAlwaysAvailable(fs.readFileSync(b, "utf8")));
    await until(() => fs.readFileSync(kvm(), "utf8") === edited, "the edit of b.yaml", printed);

    controller.abort();
    await expect(done).resolves.toBe(0);
    const check = await main(["check", "--spec", "spec/current.yaml"], capturingIo(project).io);
    expect(check).toBe(0);
  });

  test("the spec file removed and restored: says it is gone (not an invalid spec), keeps the output, runs when it is back", async () => {
    const spec = path.join(project, "spec", "current.yaml");
    fs.copyFileSync(path.join(project, "spec", "x86-kvm.yaml"), spec);
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(() => /watching spec\/current\.yaml/.test(c.stdout()), "the first run", printed);
    const gen = path.join(project, "generated");
    const good = snapshot(gen);
    const saved = fs.readFileSync(spec);

    fs.rmSync(spec);
    const goneLine =
      /^\[\d\d:\d\d:\d\d\] spec\/current\.yaml changed: spec\/current\.yaml is gone; keeping the last good output in generated\/; waiting for it to come back$/m;
    await until(() => goneLine.test(c.stdout()), "the line saying the spec is gone", printed);
    expect(snapshot(gen)).toEqual(good);

    const before = c.stdout().length;
    fs.writeFileSync(spec, saved);
    await until(
      () => /spec\/current\.yaml changed: generated\/ is up to date/.test(c.stdout().slice(before)),
      "the run when it is back",
      printed,
    );
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(printed()).not.toMatch(/invalid spec|RC001|internal error/);
  });

  test("a chain of links whose end's directory is removed: says the target is gone, runs when it is back", async () => {
    const store = path.join(project, "store");
    fs.mkdirSync(store);
    const saved = fs.readFileSync(path.join(project, "spec", "x86-kvm.yaml"));
    fs.writeFileSync(path.join(store, "a.yaml"), saved);
    // spec/current.yaml -> hop.yaml -> ../store/a.yaml
    fs.symlinkSync(path.join("..", "store", "a.yaml"), path.join(project, "spec", "hop.yaml"));
    fs.symlinkSync("hop.yaml", path.join(project, "spec", "current.yaml"));
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(() => /watching spec\/current\.yaml/.test(c.stdout()), "the first run", printed);

    fs.rmSync(store, { recursive: true });
    await until(
      () =>
        / the target of spec\/current\.yaml \(store\/a\.yaml\) is gone; keeping the last good output in generated\/; waiting for it to come back$/m.test(
          c.stdout(),
        ),
      "the line saying the chain's target is gone",
      printed,
    );
    const before = c.stdout().length;
    fs.mkdirSync(store);
    fs.writeFileSync(path.join(store, "a.yaml"), saved);
    await until(
      () => /changed: generated\/ is up to date/.test(c.stdout().slice(before)),
      "the run when it is back",
      printed,
    );
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(printed()).not.toMatch(/invalid spec|RC001|internal error/);
  });

  test("a bundled spec: named by its name in the line that starts watching", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const done = watch({ ...watchArgs("linux-6.12"), out: "kernel-gen" }, c.io, {
      signal: controller.signal,
      debounceMs: 50,
    });
    await until(() => /\] watching /.test(c.stdout()), "the first run", c.stdout);
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(c.stdout()).toMatch(/^\[\d\d:\d\d:\d\d\] watching bundled spec linux-6\.12 and /m);
  });

  test("a spec path that never existed: its RC001 and 'invalid spec', not 'gone'; a run once it is made", async () => {
    const c = capturingIo(project);
    const controller = newController();
    const printed = () => c.stdout() + c.stderr();
    const done = watch(watchArgs("spec/none.yaml"), c.io, {
      signal: controller.signal,
      debounceMs: 50,
    });
    await until(() => /invalid spec/.test(c.stdout()), "the first run", printed);
    expect(c.stderr()).toMatch(
      /spec\/none\.yaml: error RC001: cannot read spec\/none\.yaml: .*\(ENOENT\)/,
    );
    fs.copyFileSync(
      path.join(project, "spec", "x86-kvm.yaml"),
      path.join(project, "spec", "none.yaml"),
    );
    await until(
      () => /spec\/none\.yaml changed: created/.test(c.stdout()),
      "the run once made",
      printed,
    );
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(c.stdout()).not.toMatch(/is gone/);
  });

  test("started on an invalid spec with no output yet: says nothing was written, not 'last good output'", async () => {
    fs.writeFileSync(path.join(project, "spec", "current.yaml"), "regcache: 1\nname: [\n");
    const c = capturingIo(project);
    const controller = newController();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(
      () => /invalid spec/.test(c.stdout()),
      "the first run",
      () => c.stdout(),
    );
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(c.stdout()).toMatch(
      /^\[\d\d:\d\d:\d\d\] invalid spec; nothing written to generated\/ \(left as it was\); waiting for a fix$/m,
    );
    expect(c.stdout()).not.toMatch(/last good output/);
    expect(fs.existsSync(path.join(project, "generated"))).toBe(false);
  });

  test("a recursive alias is an invalid spec (RC131) it waits on, not an internal error", async () => {
    const spec = path.join(project, "spec", "current.yaml");
    fs.writeFileSync(spec, "regcache: 1\nname: t\na: &a [*a]\n");
    const c = capturingIo(project);
    const controller = newController();
    const done = watch(args, c.io, { signal: controller.signal, debounceMs: 50 });
    await until(
      () => /invalid spec/.test(c.stdout()),
      "the first run",
      () => c.stdout() + c.stderr(),
    );
    expect(c.stderr()).toMatch(
      /^spec\/current\.yaml:3:8: error RC131: alias '\*a' refers to a node that contains it$/m,
    );
    controller.abort();
    await expect(done).resolves.toBe(0);
    expect(fs.existsSync(path.join(project, "generated"))).toBe(false);
  });
});

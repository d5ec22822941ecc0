/*
 * --launcher distcc against a real distccd that this file starts on
 * 127.0.0.1 and stops. distcc falls back to compiling locally without a
 * word, so the proof that the jobs went through the daemon is the daemon's
 * own log (one COMPILE_OK line per job, naming the source); DISTCC_FALLBACK=0
 * makes a refused connection an error instead. The figures must equal a run
 * without the launcher. Needs Debian's distcc (.ci/run installs it); where
 * distccd is not installed the file's tests are skipped, saying so.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { onPath, repoRoot } from "../helpers/capture";
import { makeTreeFixture, TreeFixture } from "./tree-fixture";
import { fileTempDir } from "./helpers";

// distccd drops root for 'distcc'/'nobody', which writes the log here: mode 0777.
const work = fileTempDir("size-launcher", 0o777);
const log = path.join(work, "distccd.log");
let daemon: ChildProcess | undefined;
let port = 0;
let fx: TreeFixture;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });

const listening = async (p: number) => {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(p, "127.0.0.1", () => (socket.end(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`distccd did not listen on 127.0.0.1:${p}`);
};

/** `regcache size …` as a user runs it, in a child process with this environment. */
const regcache = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      "node",
      [path.join(repoRoot, "bin", "regcache.js"), "size", ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

const viaDistcc = () => ({
  DISTCC_HOSTS: `127.0.0.1:${port}`,
  DISTCC_FALLBACK: "0",
  DISTCC_DIR: path.join(work, "distcc-home"),
});
const jobsInLog = () =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l.includes("COMPILE_OK"))
    : [];

beforeAll(async () => {
  fx = makeTreeFixture(path.join(work, "fx"));
  fs.mkdirSync(path.join(work, "distcc-home"));
  port = await freePort();
  daemon = spawn(
    "distccd",
    [
      "--daemon",
      "--no-detach",
      "--listen",
      "127.0.0.1",
      "--allow",
      "127.0.0.1",
      "--port",
      String(port),
      "--log-file",
      log,
      "--log-level",
      "info",
      "--jobs",
      "2",
    ],
    { stdio: "ignore" },
  );
  await listening(port);
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon!.once("exit", resolve));
    daemon.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(work, { recursive: true, force: true });
});

const hasDistccd = onPath("distccd");
if (!hasDistccd)
  console.log(
    "size-launcher: skipped, distccd is not installed (Debian: apt-get install -y distcc)",
  );

(hasDistccd ? describe : describe.skip)(
  "--launcher distcc through a real distccd on 127.0.0.1",
  () => {
    test("the handler suite: every compile went through the daemon, figures identical", async () => {
      const plain = await regcache(["--config", "gcc-O2", "--format", "json", "--no-cache"]);
      expect(plain.code).toBe(0);
      const before = jobsInLog().length;
      const distcc = await regcache(
        ["--config", "gcc-O2", "--format", "json", "--no-cache", "--launcher", "distcc"],
        viaDistcc(),
      );
      expect(distcc.code).toBe(0);
      // Every file of the default spec's suite (runtime/handlers/7.2/), for base and head.
      const suite = JSON.parse(
        fs.readFileSync(path.join(repoRoot, "runtime", "handlers", "7.2", "handlers.json"), "utf8"),
      ) as { files: Record<string, string[]> };
      const compiles = 2 * Object.keys(suite.files).length;
      expect(distcc.stderr).toContain(
        `${compiles} compiled through distcc, 0 from the object cache`,
      );
      const jobs = jobsInLog().slice(before);
      expect(jobs).toHaveLength(compiles);
      expect(jobs.filter((l) => /[ /]cpuid\.c$/.test(l))).toHaveLength(2); // base and head
      expect(distcc.stdout).toBe(plain.stdout);
    });

    test("a compile database: every unit through the daemon, figures identical", async () => {
      const args = [
        "--compile-commands",
        fx.db,
        "--header",
        "kvm/kvm_cache_regs.h",
        "--format",
        "json",
        "--no-cache",
      ];
      const plain = await regcache(args);
      expect(plain.code).toBe(0);
      const before = jobsInLog().length;
      const distcc = await regcache([...args, "--launcher", "distcc"], viaDistcc());
      expect(distcc.code).toBe(0);
      const jobs = jobsInLog().slice(before);
      // Head compiles every unit; base only the handler units (they include the header).
      expect(jobs).toHaveLength(2 * fx.handlerUnits + 1);
      expect(jobs.filter((l) => /[ /]unrelated\.c$/.test(l))).toHaveLength(1);
      expect(distcc.stdout).toBe(plain.stdout);
    });

    test("with the daemon unreachable and no fallback, the run fails (exit 3) instead of lying", async () => {
      const closed = await freePort();
      const run = await regcache(["--config", "gcc-O2", "--no-cache", "--launcher", "distcc"], {
        ...viaDistcc(),
        DISTCC_HOSTS: `127.0.0.1:${closed}`,
      });
      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
    });
  },
);

/*
 * A stand-in npm registry on 127.0.0.1 that offers exactly the versions a
 * shrinkwrap pins, each package's tarball served from the npm sandbox's
 * cache (package.ts seeded it from the user's cache). For what resolves
 * dependencies afresh instead of reading a lockfile (`npx --package FILE.tgz`):
 * with only the pinned versions on offer it installs the pinned tree, so a
 * test can run the CLI it installs without the real registry. It proves
 * nothing about pinning: any install from it is pinned.
 *
 * The protocol is npm's public one: GET /<name> (a scoped name's slash as
 * %2f) answers the package's metadata, whose versions name their tarball's URL
 * and integrity; GET that URL answers the tarball.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { LockEntry } from "./package";

/** What a version's metadata carries over from its shrinkwrap entry. */
const MANIFEST_FIELDS = [
  "dependencies",
  "optionalDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "bin",
  "engines",
  "os",
  "cpu",
  "license",
] as const;

export interface StandInRegistry {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** Requests answered, as "GET /path STATUS", in order. */
  readonly log: readonly string[];
  close(): Promise<void>;
}

/** cacache's content file for an integrity string, below cacheDir/_cacache. */
function contentFile(cacheDir: string, integrity: string): string {
  const [algorithm, base64] = integrity.split(/-(.*)/s) as [string, string];
  const hex = Buffer.from(base64, "base64").toString("hex");
  return path.join(
    cacheDir,
    "_cacache",
    "content-v2",
    algorithm,
    hex.slice(0, 2),
    hex.slice(2, 4),
    hex.slice(4),
  );
}

export async function startStandInRegistry(
  shrinkwrap: Record<string, LockEntry>,
  cacheDir: string,
): Promise<StandInRegistry> {
  // name → version → entry, for the non-dev packages.
  const byName = new Map<string, Map<string, LockEntry>>();
  for (const [key, entry] of Object.entries(shrinkwrap)) {
    if (key === "" || entry.dev) continue;
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    if (!byName.has(name)) byName.set(name, new Map());
    byName.get(name)!.set(entry.version!, entry);
  }
  const log: string[] = [];
  let base = "";
  const server = http.createServer((req, res) => {
    const answer = (status: number, type: string, body: Buffer | string) => {
      log.push(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    const url = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const tarball = /^\/-\/tarball\/(.+)\/(\d[^/]*)\.tgz$/.exec(url);
    if (tarball) {
      const entry = byName.get(tarball[1]!)?.get(tarball[2]!);
      if (!entry) return answer(404, "text/plain", "not pinned\n");
      return answer(
        200,
        "application/octet-stream",
        fs.readFileSync(contentFile(cacheDir, entry.integrity!)),
      );
    }
    const name = url.slice(1);
    const versions = byName.get(name);
    if (!versions) return answer(404, "application/json", '{"error":"not found"}');
    const doc = {
      name,
      "dist-tags": { latest: [...versions.keys()].sort().pop() },
      versions: Object.fromEntries(
        [...versions].map(([version, entry]) => [
          version,
          {
            name,
            version,
            ...Object.fromEntries(
              MANIFEST_FIELDS.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]]),
            ),
            dist: {
              tarball: `${base}-/tarball/${encodeURIComponent(name)}/${version}.tgz`,
              integrity: entry.integrity,
            },
          },
        ]),
      ),
    };
    answer(200, "application/json", JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

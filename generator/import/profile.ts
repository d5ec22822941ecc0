/*
 * The shipped kernel profiles (spec/linux-<major>.<minor>.yaml) and the choice
 * of the one nearest a tree's version: what an imported spec copies for the
 * API details that live only in function bodies.
 *
 * Pure: file names and a version in, a choice out.
 */

export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
}

/** "6.1.158" or "6.12.0-rc3+" → 6.1 / 6.12; undefined when it does not start with N.N. */
export function parseKernelVersion(release: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

const PROFILE_FILE = /^linux-(\d+)\.(\d+)\.yaml$/;

export interface Profile {
  /** The file name, e.g. linux-6.1.yaml. */
  readonly file: string;
  /** The profile's name as the imported spec cites it: linux-6.1. */
  readonly name: string;
  readonly version: KernelVersion;
}

/** The profiles among a directory's file names, oldest first. */
export function listProfiles(fileNames: readonly string[]): Profile[] {
  const out: Profile[] = [];
  for (const file of fileNames) {
    const m = PROFILE_FILE.exec(file);
    if (m)
      out.push({
        file,
        name: file.slice(0, -5),
        version: { major: Number(m[1]), minor: Number(m[2]) },
      });
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * The profile for a tree: the same major.minor, else the newest older one (the
 * API a tree has is most like the last release before it), else the oldest.
 */
export function nearestProfile(
  profiles: readonly Profile[],
  version: KernelVersion | undefined,
): Profile | undefined {
  if (profiles.length === 0) return undefined;
  if (!version) return profiles[profiles.length - 1];
  const older = profiles.filter((p) => compareVersions(p.version, version) <= 0);
  return older.length ? older[older.length - 1] : profiles[0];
}

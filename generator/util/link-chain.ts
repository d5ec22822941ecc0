/*
 * Where a symlinked file leads, link by link: what `watch` follows and names
 * when the end is missing. Edge: readlink and realpath only.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** At most this many links are followed from one file (the kernel's own limit, past which ELOOP). */
const MAX_LINKS = 40;

/**
 * The paths a symlinked `file` leads through, each absolute: every link it passes (`file` not
 * included), then where it ends: its real path, or for a dangling link the path the last link
 * names, so that each place is watched until it appears. [] when `file` is no link (or missing).
 */
export function linkChain(file: string): string[] {
  const chain: string[] = [];
  let at = file;
  for (let i = 0; i < MAX_LINKS; i++) {
    let text: string;
    try {
      text = fs.readlinkSync(at);
    } catch {
      break; // not a link, or nothing there: `at` is where it ends
    }
    at = path.resolve(path.dirname(at), text);
    chain.push(at);
  }
  if (chain.length === 0) return chain;
  try {
    chain[chain.length - 1] = fs.realpathSync(file);
  } catch {
    // dangling (or a loop): the last path named stays
  }
  return chain;
}

/*
 * The imported tree written as a spec: the schema modeline first, a comment
 * naming the kernel release and what came from where, then the keys the tree
 * decided (mask, enum, registers, backends, api.cache_reg) and, copied from the
 * nearest shipped profile, the keys that live in function bodies (output,
 * api, accessors, and whatever else a profile adds), with what the tree's
 * register-cache header says laid over them where the profile says otherwise
 * (overlay.ts). No paths, no dates: the same tree gives the same bytes.
 *
 * Pure: tree, header facts and profile document in, YAML text (and what the
 * header changed) out.
 */
import { Document, isMap, isScalar, isSeq, type Node, type ParsedNode, YAMLMap } from "yaml";
import type { ImportedRegister, ImportedTree } from "../toolchain/kernel-tree/assemble";
import type { KernelVersion } from "./profile";
import { DEFAULT_ENUM } from "../core/spec/validate";
import { GPR_MACRO } from "../core/spec/kernel-sections";
import type { HeaderFacts } from "./header";
import { overlayHeader } from "./overlay";
import { type GuestBits, layGuestBits, writtenValue } from "./guest-bits";
import { byCodeUnit } from "../util/order";

/** Keys the tree itself decides; everything else in a profile is copied. */
const TREE_KEYS = new Set(["regcache", "name", "doc", "mask", "enum", "registers", "backends"]);

export interface ProfileSource {
  /** As the spec cites it: linux-6.1. */
  readonly name: string;
  readonly document: Document.Parsed;
}

export interface EmitRequest {
  readonly tree: ImportedTree;
  /** What the tree's register-cache header says, when the tree has one (header.ts). */
  readonly header?: HeaderFacts;
  readonly version: KernelVersion | undefined;
  readonly profile: ProfileSource;
  /** The guest_owned.possible macros' values as the tree's compiler gave them (guest-bits.ts). */
  readonly guestBits?: GuestBits;
}

/** The first line of every spec, as the shipped ones have it: editors find the schema by it. */
export const SCHEMA_MODELINE = "yaml-language-server: $schema=regcache.schema.json";

/** Registers the tree does not have: an accessor copied for one of them is left out. */
function accessorRegister(node: unknown): string | undefined {
  if (isScalar(node)) return String(node.value);
  if (isMap(node)) {
    const reg = node.get("register");
    return typeof reg === "string" ? reg : undefined;
  }
  return undefined;
}

/** Comment lines stay within 80 columns with their "# ". */
const COMMENT_WIDTH = 77;

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line), each led by a space. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(` ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(` ${line}`);
  return lines;
}

const onlyPrintable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

export interface EmittedSpec {
  readonly text: string;
  /** The keys taken from the tree's header over the profile's, as "api.assert" (overlay.ts). */
  readonly followed: readonly string[];
}

export function emitSpec(req: EmitRequest): EmittedSpec {
  const { tree, profile } = req;
  const doc = new Document();
  const root = new YAMLMap();
  doc.contents = root;
  const name = req.version ? `linux-${req.version.major}.${req.version.minor}` : profile.name;

  root.set("regcache", 1);
  root.set("name", name);
  root.set("mask", tree.mask);
  // Linux 6.x's spelling is the spec's default: a tree that spells it so gets no section.
  const spelled =
    tree.enum.gprPrefix !== DEFAULT_ENUM.gprPrefix ||
    tree.enum.extendedPrefix !== DEFAULT_ENUM.extendedPrefix ||
    tree.enum.gprCount !== DEFAULT_ENUM.gprCount ||
    tree.enum.total !== undefined;
  if (spelled) {
    const spelling = new YAMLMap();
    spelling.set("gpr_prefix", tree.enum.gprPrefix);
    spelling.set("extended_prefix", tree.enum.extendedPrefix);
    spelling.set("gpr_count", tree.enum.gprCount);
    if (tree.enum.total !== undefined) spelling.set("total", tree.enum.total);
    root.set("enum", spelling);
  }
  const register = (r: ImportedRegister): Node => {
    if (!r.guard) return doc.createNode(r.name);
    const node = doc.createNode({ name: r.name, when: r.guard });
    node.flow = true;
    return node;
  };
  const registers = new YAMLMap();
  registers.set("gpr", doc.createNode(tree.gpr.map(register)));
  registers.set("extended", doc.createNode(tree.extended.map(register)));
  if (tree.aliases.length > 0) {
    const aliases = new YAMLMap();
    for (const a of tree.aliases) aliases.set(a.name, a.register);
    registers.set("aliases", aliases);
  }
  root.set("registers", registers);

  const profileBackends = profile.document.get("backends");
  const profileOrder = isMap(profileBackends)
    ? profileBackends.items.map((p) => String((p.key as any)?.value ?? p.key))
    : [];
  const rank = (b: string) => {
    const i = profileOrder.indexOf(b);
    return i < 0 ? profileOrder.length : i;
  };
  // The profile's backend order first (how kernel developers list them), then by name.
  const backends = new YAMLMap();
  for (const b of [...tree.backends].sort(
    (x, y) => rank(x.name) - rank(y.name) || byCodeUnit(x.name, y.name),
  )) {
    // One register per line: two branches that each change a set merge
    // line by line instead of conflicting on the whole set.
    const entry = new YAMLMap();
    entry.set(b.kind, doc.createNode(b.registers));
    backends.set(b.name, entry);
  }
  root.set("backends", backends);

  const present = new Set([...tree.gpr, ...tree.extended].map((r) => r.name));
  const copied: string[] = [];
  const dropped: string[] = [];
  const profileRoot = profile.document.contents;
  if (isMap(profileRoot)) {
    for (const pair of profileRoot.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (TREE_KEYS.has(key)) continue;
      const value = (pair.value as ParsedNode | null)?.clone() ?? null;
      if (key === "api" && isMap(value)) value.set("cache_reg", tree.cacheReg);
      if (key === "accessors" && isSeq(value)) {
        value.items = value.items.filter((item) => {
          const reg = accessorRegister(item);
          if (reg === undefined || present.has(reg)) return true;
          dropped.push(reg);
          return false;
        });
      }
      root.set(key, value);
      copied.push(key === "api" ? "api (all but cache_reg)" : key);
    }
  }
  const followed = req.header ? overlayHeader({ doc, root, facts: req.header }) : [];
  if (req.guestBits) layGuestBits(doc, req.guestBits);
  const api = root.get("api", true);
  if (isMap(api) && !api.has("cache_reg"))
    api.items.unshift(doc.createPair("cache_reg", tree.cacheReg));

  const sets = tree.backends.map((b) => b.macro).sort();
  const enumParts = [
    ...(spelled ? ["spelling (enum)"] : []),
    ...(tree.aliases.length ? ["aliases (registers.aliases)"] : []),
  ];
  const paragraphs = [
    `Imported by \`regcache import\` from a Linux ${onlyPrintable(tree.release)} tree.`,
    "Read from the tree, every value evaluated by its own compiler: the register order and " +
      `guards (enum kvm_reg)${enumParts.length ? ` with its ${enumParts.join(" and ")}` : ""}` +
      ", the mask (regs_avail), the backend sets " +
      `(${sets.join(", ") || "none"})` +
      (root.has("api") ? " and how cache_reg is reached (api.cache_reg)." : "."),
    `Copied from the shipped profile ${profile.name}, as they live in function bodies: ` +
      `${copied.length ? copied.join(", ") : "nothing"}.`,
  ];
  const headerPath = `arch/x86/kvm/${req.header?.header ?? ""}`;
  if (req.header && followed.length) {
    paragraphs.push(
      `Where the tree's ${onlyPrintable(headerPath)} says otherwise, it is followed: ${followed.join(", ")}.`,
    );
  }
  const commented = req.header
    ? [
        ...Object.values(req.header.api.docs),
        ...req.header.accessors.map((a) => (typeof a === "string" ? "" : (a.doc ?? ""))),
      ].some((d) => d !== "")
    : false;
  if (commented) {
    paragraphs.push(
      `The comments at the kernel block's sites are the tree's own, from ${onlyPrintable(headerPath)} (api.docs, the accessors' doc): "" where it has none.`,
    );
  }
  if (req.header?.unread.length) {
    paragraphs.push(
      `Written in ${onlyPrintable(headerPath)} in a way regcache does not read, so the profile's stand: ${req.header.unread.join(", ")}.`,
    );
  }
  if (!req.header) {
    paragraphs.push(
      `No header in arch/x86/kvm/ defines ${GPR_MACRO}, so nothing of these was checked against the tree.`,
    );
  }
  const bits = req.guestBits;
  const differing = bits
    ? [...bits.values].filter(([m, v]) => writtenValue(m, v) !== undefined).map(([m]) => m)
    : [];
  if (differing.length) {
    paragraphs.push(
      `Read from the tree where it differs from regcache's own value: ${differing.join(", ")} (guest_owned.value).`,
    );
  }
  if (bits?.unevaluated.length) {
    const where = bits.unit ? ` in ${onlyPrintable(bits.unit)}` : "";
    paragraphs.push(
      `Not evaluated, as the compiler found no definition${where}, so no guest_owned.value is given for: ${bits.unevaluated.map(onlyPrintable).join(", ")}.`,
    );
  }
  for (const u of tree.unbuilt) {
    paragraphs.push(
      `No backend for ${u.macro}: ${onlyPrintable(u.file)}, which defines it, is not compiled in this build.`,
    );
  }
  if (dropped.length) {
    paragraphs.push(
      `Left out: the profile's accessors for ${[...new Set(dropped)].join(", ")}, which this tree lacks.`,
    );
  }
  const lines = [` ${SCHEMA_MODELINE}`, "", ...paragraphs.flatMap((p) => wrap(p, COMMENT_WIDTH))];
  doc.commentBefore = lines.join("\n");
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), followed };
}

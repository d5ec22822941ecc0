/*
 * The one content hash regcache uses: sha256 of a string's UTF-8 bytes, as
 * 64 lower-case hex digits (banners' body hashes, input hashes, the schema's
 * fingerprint). Pure.
 */
import { createHash } from "node:crypto";

export const sha256 = (text: string): string =>
  createHash("sha256").update(text, "utf8").digest("hex");

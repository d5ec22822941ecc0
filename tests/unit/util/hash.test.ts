/*
 * The one content hash (generator/util/hash.ts): sha256 of the text's UTF-8
 * bytes in 64 lower-case hex digits. The expected values are FIPS 180-2's
 * SHA-256 test vectors and what `printf 'é' | sha256sum` prints.
 */
import { sha256 } from "../../../generator/util/hash";

test.each([
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  // UTF-8: 'é' (U+00E9) is the two bytes c3 a9.
  ["é", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"],
])("sha256(%j)", (text, want) => expect(sha256(text)).toBe(want));

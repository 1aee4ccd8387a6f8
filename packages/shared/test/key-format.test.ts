import { describe, expect, it } from "vitest";
import {
  BASE62,
  crc32,
  isWellFormedKey,
  KEY_LENGTH,
  keyChecksum,
  keyStart,
} from "../src/key-format.js";
import { generateKeySecret, hashKeySecret } from "../src/key-secret.js";

// Vectors computed independently with python3: zlib.crc32(body.encode()), written in base62.
const VECTORS = [
  { body: "kw_00000000000000000000000000000000", crc: 0x694a19be, checksum: "1vXtxm" },
  { body: "kw_0123456789ABCDEFGHIJKLMNOPQRSTUV", crc: 0x958b112d, checksum: "2jnASr" },
  { body: "kw_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", crc: 0x3f012224, checksum: "19XE6G" },
  // A small CRC, so the checksum is left-padded with zeros.
  { body: "kw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAA161", crc: 201261, checksum: "000qM9" },
];

/** Bit-by-bit CRC32 (IEEE, reflected, poly 0xEDB88320), no table: independent of the code under test. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "ascii")) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const SAMPLES = Array.from({ length: 1000 }, () => generateKeySecret());

describe("key format", () => {
  it.each(VECTORS)("matches the zlib vector for $body", ({ body, crc, checksum }) => {
    expect(crc32(body)).toBe(crc);
    expect(referenceCrc32(body)).toBe(crc);
    expect(keyChecksum(body)).toBe(checksum);
    expect(isWellFormedKey(body + checksum)).toBe(true);
  });

  it("generates 41-character kw_ keys of base62 characters whose checksum validates", () => {
    for (const secret of SAMPLES) {
      expect(secret).toHaveLength(41);
      expect(KEY_LENGTH).toBe(41);
      expect(secret.startsWith("kw_")).toBe(true);
      expect(secret.slice(3)).toMatch(/^[0-9A-Za-z]{38}$/);
      expect(isWellFormedKey(secret)).toBe(true);
      const body = secret.slice(0, 35);
      expect(referenceCrc32(body)).toBe(crc32(body));
    }
  });

  it("generates distinct keys", () => {
    expect(new Set(SAMPLES).size).toBe(SAMPLES.length);
  });

  it("refuses every one-character substitution of each of the 1,000 keys", () => {
    const alphabet = `${BASE62}_-`;
    const accepted: string[] = [];
    let tried = 0;
    for (const secret of SAMPLES) {
      for (let i = 0; i < secret.length; i++) {
        for (const c of alphabet) {
          if (c === secret[i]) continue;
          const changed = secret.slice(0, i) + c + secret.slice(i + 1);
          tried++;
          if (isWellFormedKey(changed)) accepted.push(changed);
        }
      }
    }
    expect(tried).toBe(1000 * 41 * 63);
    expect(accepted).toEqual([]);
  });

  it("refuses wrong lengths, prefixes and characters", () => {
    const secret = SAMPLES[1] as string;
    expect(isWellFormedKey(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedKey(secret.slice(0, 20) + secret.slice(21))).toBe(false);
    expect(isWellFormedKey(`${secret}0`)).toBe(false);
    expect(isWellFormedKey(`KW_${secret.slice(3)}`)).toBe(false);
    expect(isWellFormedKey(`${secret.slice(0, 10)}é${secret.slice(11)}`)).toBe(false);
    expect(isWellFormedKey("")).toBe(false);
  });

  it("shows the first 8 characters and hashes with SHA-256 hex", () => {
    const secret = SAMPLES[2] as string;
    expect(keyStart(secret)).toBe(secret.slice(0, 8));
    expect(hashKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    // python3: hashlib.sha256(b"kw_000000000000000000000000000000001vXtxm").hexdigest()
    expect(hashKeySecret("kw_000000000000000000000000000000001vXtxm")).toBe(
      "45637df2766cce205ee81383bad77490b539e91ed9193b3935249128166389e1",
    );
  });
});

import { createHash, randomInt } from "node:crypto";
import { BASE62, KEY_PREFIX, KEY_RANDOM_LENGTH, keyChecksum } from "./key-format.js";

/** A new secret: `kw_` + 32 uniform base62 characters from a CSPRNG + 6-character checksum. */
export function generateKeySecret(): string {
  let random = "";
  for (let i = 0; i < KEY_RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  const body = KEY_PREFIX + random;
  return body + keyChecksum(body);
}

export function hashKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_PREFIX = "kw_";
export const KEY_RANDOM_LENGTH = 32;
export const KEY_CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = KEY_PREFIX.length + KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;
export const KEY_START_LENGTH = 8;

const KEY_SHAPE = new RegExp(
  `^${KEY_PREFIX}[0-9A-Za-z]{${KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH}}$`,
);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32 (IEEE, as zlib) of an ASCII string. */
export function crc32(ascii: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) {
    crc = (CRC_TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}

export function keyChecksum(body: string): string {
  return toBase62(crc32(body), KEY_CHECKSUM_LENGTH);
}

/** Shape and checksum only: true for every well-formed key, whether or not it exists. */
export function isWellFormedKey(secret: string): boolean {
  if (secret.length !== KEY_LENGTH || !KEY_SHAPE.test(secret)) return false;
  const body = secret.slice(0, -KEY_CHECKSUM_LENGTH);
  return keyChecksum(body) === secret.slice(-KEY_CHECKSUM_LENGTH);
}

export function keyStart(secret: string): string {
  return secret.slice(0, KEY_START_LENGTH);
}

import { describe, expect, it } from "vitest";
import { keyFileName, keyFileText } from "./key-file";

const key = {
  id: "key_123",
  name: "Prod ingest\nEVIL=1",
  orgWide: true,
  permissions: { read: false, write: true },
  start: "kw_AbCdE",
};
const secret = `kw_${"a".repeat(38)}`;

describe("key file", () => {
  it("holds the name, id and permissions as comments and the secret as KEYWARD_API_KEY", () => {
    const text = keyFileText(key, secret, new Date("2026-06-01T00:00:00Z"));
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe('# Keyward API key "Prod ingest EVIL=1"');
    expect(lines).toContain("# id: key_123");
    expect(lines).toContain("# permissions: Write");
    expect(lines.at(-1)).toBe(`KEYWARD_API_KEY=${secret}`);
    // Only one variable: a name with a newline cannot add another.
    expect(lines.filter((line) => !line.startsWith("#"))).toEqual([`KEYWARD_API_KEY=${secret}`]);
  });

  it("names the file after the key, safely", () => {
    expect(keyFileName(key)).toBe("keyward-prod-ingest-evil-1.env");
    expect(keyFileName({ name: "🔑", start: "kw_AbCdE" })).toBe("keyward-kw_AbCdE.env");
  });
});

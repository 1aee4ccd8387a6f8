import type { KeyAnswer } from "@keyward/shared";
import { permissionLabels } from "@/lib/format";

/** `.env` lines for a new key: what it is as comments, then the secret as KEYWARD_API_KEY. */
export function keyFileText(
  key: Pick<KeyAnswer, "id" | "name" | "orgWide" | "permissions">,
  secret: string,
  createdAt: Date = new Date(),
): string {
  // A name is free text: one line, so it cannot end the comment and start a variable.
  const name = key.name.replace(/[\r\n\u2028\u2029]+/g, " ");
  return [
    `# Keyward API key "${name}"`,
    `# id: ${key.id}`,
    `# type: ${key.orgWide ? "org-wide" : "personal"}`,
    `# permissions: ${permissionLabels(key.permissions).join(", ")}`,
    `# saved: ${createdAt.toISOString()}`,
    "# Keep this file secret: Keyward stores only a hash and cannot show the key again.",
    `KEYWARD_API_KEY=${secret}`,
    "",
  ].join("\n");
}

/** `keyward-production-ingest.env`: the name, made safe for a file system. */
export function keyFileName(key: Pick<KeyAnswer, "name" | "start">): string {
  const slug = key.name
    .normalize("NFKD")
    .replace(/[^\w-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
    .slice(0, 60);
  return `keyward-${slug || key.start}.env`;
}

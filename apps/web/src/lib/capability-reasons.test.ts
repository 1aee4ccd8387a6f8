import { describe, expect, it } from "vitest";
import { KEY_LOCK_SHORT, keyLockExplanation, MEMBER_LOCK_REASONS } from "./capability-reasons";

describe("capability reasons", () => {
  it("explains each key lock in plain words, naming the owner of a personal key", () => {
    expect(
      keyLockExplanation({
        cannotEditReason: "not_owner",
        owner: { id: "u", name: "Grace", email: "g@x" },
      }),
    ).toMatch(/^This is Grace’s personal key\./);
    expect(keyLockExplanation({ cannotEditReason: "org_keys_restricted", owner: null })).toMatch(
      /only admins/,
    );
  });

  it("never uses the API's internal names", () => {
    const all = [
      ...Object.values(KEY_LOCK_SHORT),
      ...Object.values(MEMBER_LOCK_REASONS),
      keyLockExplanation({ cannotEditReason: "org_keys_restricted", owner: null }),
      keyLockExplanation({ cannotEditReason: "not_owner", owner: null }),
    ];
    for (const text of all) expect(text).not.toMatch(/manage(Org|Personal)Keys|_/);
  });
});

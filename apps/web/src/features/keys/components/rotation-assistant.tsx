import { type KeyAnswer, type KeyUsageSummary, MAX_GRACE_SECONDS } from "@keyward/shared";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import { useUpdateKey } from "../api/update-key";

/**
 * A rolled key still working out its grace period. The API names the key that replaced it
 * (`replacedBy`); an API that does not say yet (the field absent) is read by its expiry alone.
 */
export function inGracePeriod(key: KeyAnswer, now: number): boolean {
  if (!key.enabled || key.expiresAt === null) return false;
  const left = Date.parse(key.expiresAt) - now;
  if (left <= 0) return false;
  const replacedBy = (key as Partial<KeyAnswer>).replacedBy;
  return replacedBy === undefined ? left <= MAX_GRACE_SECONDS * 1000 : replacedBy !== null;
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** What the old key's recent traffic says about moving off it. */
export function graceTraffic(summary: KeyUsageSummary | undefined): {
  stillUsed: boolean;
  text: string;
} {
  if (!summary) return { stillUsed: false, text: "Checking recent traffic…" };
  if (summary.last15Minutes > 0) {
    return {
      stillUsed: true,
      text: `${plural(summary.last15Minutes, "request", "requests")} in the last 15 min — clients still use this key`,
    };
  }
  if (summary.lastHour === 0) return { stillUsed: false, text: "No requests for 1 h" };
  return { stillUsed: false, text: "No requests in the last 15 min" };
}

/** Ends a key's grace period now (a normal, audited expiry change). */
export function ExpireNowButton({ orgId, keyData }: { orgId: string; keyData: KeyAnswer }) {
  const updateKey = useUpdateKey(orgId);
  const toast = useToast();
  return (
    <Button
      size="sm"
      variant="danger"
      isLoading={updateKey.isPending}
      disabled={!keyData.canEdit || updateKey.isPending}
      title={keyData.canEdit ? undefined : "You can’t change this key"}
      onClick={(event) => {
        event.stopPropagation();
        // A promise, not mutate()'s callbacks: the table may remount this cell before the answer.
        updateKey
          // One second ahead: the API accepts only expiries in the future.
          .mutateAsync({
            keyId: keyData.id,
            body: { expiresAt: new Date(Date.now() + 1_000).toISOString() },
          })
          .then(
            () => toast.show(`“${keyData.name}” expired`),
            (error: unknown) => toast.show(errorMessage(error), "danger"),
          );
      }}
    >
      Expire now
    </Button>
  );
}

export function RotationNotice({
  orgId,
  keyData,
  summary,
}: {
  orgId: string;
  keyData: KeyAnswer;
  summary: KeyUsageSummary | undefined;
}) {
  const traffic = graceTraffic(summary);
  return (
    <div
      className={`rotation-notice rotation-notice--${traffic.stillUsed ? "used" : "idle"}`}
      role="status"
    >
      <span className="rotation-notice__text">
        <strong>Rolled key in its grace period.</strong> {traffic.text}
      </span>
      <ExpireNowButton orgId={orgId} keyData={keyData} />
    </div>
  );
}

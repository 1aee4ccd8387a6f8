import type { KeyAnswer } from "@keyward/shared";
import { formatDateTime, formatRelative, keyHint, keyStatus } from "@/lib/format";

/** Which key exactly (two rolled keys share a name): shown in every destructive confirmation. */
export function KeySummary({ keyData, now }: { keyData: KeyAnswer; now?: number }) {
  const status = keyStatus(keyData, now);
  return (
    <dl className="details key-summary" aria-label="The key">
      <dt>Key</dt>
      <dd className="mono">{keyHint(keyData.start)}</dd>
      <dt>Type</dt>
      <dd>
        {keyData.orgWide ? "Org-Wide" : `Personal — ${keyData.owner?.name ?? "unknown owner"}`}
      </dd>
      <dt>Status</dt>
      <dd>{status.label}</dd>
      <dt>Last used</dt>
      <dd>
        {keyData.lastUsedAt ? (
          <span title={formatDateTime(keyData.lastUsedAt)}>
            {formatRelative(keyData.lastUsedAt, now)}
          </span>
        ) : (
          "Never"
        )}
      </dd>
    </dl>
  );
}

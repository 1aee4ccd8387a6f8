import type { KeyAnswer } from "@keyward/shared";
import { formatDateTime, formatRelative, keyHint, keyStatus } from "@/lib/format";

/** An existing key's facts under its form: hint, status, type, creation, last use. */
export function KeyDetails({ keyData }: { keyData: KeyAnswer }) {
  const status = keyStatus(keyData);
  return (
    <dl className="details">
      <dt>Key</dt>
      <dd className="mono">{keyHint(keyData.start)}</dd>
      <dt>Status</dt>
      <dd>
        {status.label}
        {status.detail ? <span className="text-subtle"> · {status.detail}</span> : null}
      </dd>
      <dt>Type</dt>
      <dd>
        {keyData.orgWide ? "Org-Wide" : `Personal — ${keyData.owner?.name ?? "unknown owner"}`}
      </dd>
      <dt>Created</dt>
      <dd>
        {formatDateTime(keyData.createdAt)} by {keyData.createdBy.name}
      </dd>
      <dt>Last used</dt>
      <dd>
        {keyData.lastUsedAt ? (
          <span title={formatDateTime(keyData.lastUsedAt)}>
            {formatRelative(keyData.lastUsedAt)}
          </span>
        ) : (
          "Never"
        )}
      </dd>
    </dl>
  );
}

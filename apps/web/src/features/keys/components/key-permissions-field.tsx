import { useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Checkbox, FieldError } from "@/components/ui/field";

/** Read and Write, with a warning when an edit gives a Write-only key Read. */
export function KeyPermissionsField({
  read,
  write,
  widensToRead,
  error,
  onChange,
}: {
  read: boolean;
  write: boolean;
  widensToRead: boolean;
  /** The text under the group, when there is an error. */
  error: string | undefined;
  onChange: (field: "read" | "write", checked: boolean) => void;
}) {
  const errorId = useId();
  return (
    <fieldset className="fieldset" aria-describedby={error ? errorId : undefined}>
      <legend className="fieldset__legend">Permissions</legend>
      <div className="fieldset__options">
        <Checkbox
          label="Read"
          name="read"
          checked={read}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange("read", e.target.checked)}
          hint="Query metrics (GET /v1/metrics), e.g. from Grafana."
        />
        <Checkbox
          label="Write"
          name="write"
          checked={write}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange("write", e.target.checked)}
          hint="Send events (POST /v1/events)."
        />
      </div>
      {widensToRead ? (
        <Alert tone="warning" title="This key would be able to read metrics">
          Write-only keys are often built into apps and web pages, where anyone can copy them. With
          Read, whoever holds this key can query your organization’s metrics.
        </Alert>
      ) : null}
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </fieldset>
  );
}

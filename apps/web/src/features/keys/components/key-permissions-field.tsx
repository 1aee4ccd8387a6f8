import { useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Checkbox, FieldError } from "@/components/ui/field";

const PERMISSIONS = [
  { field: "read", label: "Read", hint: "Query metrics (GET /v1/metrics), e.g. from Grafana." },
  { field: "write", label: "Write", hint: "Send events (POST /v1/events)." },
] as const;

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
        {PERMISSIONS.map(({ field, label, hint }) => (
          <Checkbox
            key={field}
            label={label}
            name={field}
            checked={field === "read" ? read : write}
            aria-invalid={error ? true : undefined}
            onChange={(e) => onChange(field, e.target.checked)}
            hint={hint}
          />
        ))}
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

import { isRestricted, type KeyAnswer, NO_RESTRICTIONS } from "@keyward/shared";
import { type ReactNode, useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/form-errors";
import { hasRestrictionError, type RestrictionValues } from "../utils/key-restrictions";

type ListField = "allowedOrigins" | "allowedIps" | "allowedEventNames";

/** "Line 4: must be …" for `restrictions.allowedIps.3`, from client or server errors. */
function errorOf(errors: FieldErrors, field: keyof RestrictionValues): string | undefined {
  const prefix = `restrictions.${field}`;
  for (const [name, message] of Object.entries(errors)) {
    if (name === prefix) return `${message}.`;
    if (name.startsWith(`${prefix}.`)) {
      return `Line ${Number(name.slice(prefix.length + 1)) + 1}: ${message}.`;
    }
  }
  return undefined;
}

interface Props {
  values: RestrictionValues;
  onChange: (values: RestrictionValues) => void;
  errors: FieldErrors;
  /** Write-only and org-wide: the kind of key that ships in web and mobile apps. */
  suggest: boolean;
  canWrite: boolean;
}

/** The key dialog's "Restrictions" section: where and how fast the key may be used. */
export function KeyRestrictionsFields({ values, onChange, errors, suggest, canWrite }: Props) {
  const headingId = useId();
  const set = (field: keyof RestrictionValues) => (value: string) =>
    onChange({ ...values, [field]: value });
  const anyError = hasRestrictionError(errors);
  const restricted = Object.values(values).some((value) => value.trim() !== "");
  return (
    <details className="fieldset stack" open={anyError || restricted || undefined}>
      <summary id={headingId} className="fieldset__legend">
        Restrictions
      </summary>
      {suggest && !restricted ? (
        <Alert tone="info" title="Shipping this key in a web or mobile app?">
          Restrict where it can be used: the web origins that may call with it, the addresses it may
          come from, the events it may send and its own rate.
        </Alert>
      ) : null}
      <ListField
        label="Allowed web origins"
        name="allowedOrigins"
        value={values.allowedOrigins}
        onChange={set("allowedOrigins")}
        placeholder={"https://app.example.com\nhttps://*.example.com"}
        hint="Pages on these origins may call /v1 with this key from a browser; none listed, no browser page may. One per line."
        error={errorOf(errors, "allowedOrigins")}
      />
      <ListField
        label="Allowed IP addresses"
        name="allowedIps"
        value={values.allowedIps}
        onChange={set("allowedIps")}
        placeholder={"203.0.113.7\n10.0.0.0/8"}
        hint="Addresses or CIDR ranges (IPv4 or IPv6); none listed, any. One per line."
        error={errorOf(errors, "allowedIps")}
      />
      {canWrite ? (
        <ListField
          label="Allowed event names"
          name="allowedEventNames"
          value={values.allowedEventNames}
          onChange={set("allowedEventNames")}
          placeholder={"page_view\ncheckout_*"}
          hint="Exact names, or prefixes ending in *; none listed, any. One per line."
          error={errorOf(errors, "allowedEventNames")}
        />
      ) : null}
      <TextField
        label="Rate limit (requests per second)"
        name="rateLimitPerSecond"
        inputMode="numeric"
        value={values.rateLimitPerSecond}
        placeholder="The organization's limit"
        onChange={(e) => set("rateLimitPerSecond")(e.target.value)}
        hint="Lower than your organization's limit; empty, the organization's."
        error={errorOf(errors, "rateLimitPerSecond")}
      />
    </details>
  );
}

function ListField(props: {
  label: ReactNode;
  name: ListField;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  hint: string;
  error: string | undefined;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field ${props.error ? "field--invalid" : ""}`.trim()}>
      <label className="field__label" htmlFor={id}>
        {props.label}
      </label>
      <textarea
        id={id}
        name={props.name}
        className="input"
        rows={2}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <p id={hintId} className="field__hint">
        {props.hint}
      </p>
      {props.error ? (
        <p id={errorId} className="field__error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** The table's marker for a key that carries any restriction. */
export function RestrictedBadge({ keyData }: { keyData: KeyAnswer }) {
  const r = keyData.restrictions ?? NO_RESTRICTIONS;
  if (!isRestricted(r)) return null;
  const what = [
    r.allowedOrigins.length > 0 ? "origins" : null,
    r.allowedIps.length > 0 ? "IP addresses" : null,
    r.allowedEventNames.length > 0 ? "event names" : null,
    r.rateLimitPerSecond !== null ? `${r.rateLimitPerSecond}/s` : null,
  ].filter(Boolean);
  return (
    <Badge tone="warning" title={`Restricted: ${what.join(", ")}`}>
      Restricted
    </Badge>
  );
}

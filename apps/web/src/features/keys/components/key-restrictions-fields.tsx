import { isRestricted, type KeyAnswer, NO_RESTRICTIONS } from "@keyward/shared";
import { useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { TextAreaField, TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/form-errors";
import { hasRestrictionError, type RestrictionValues } from "../utils/key-restrictions";

/** The restrictions written one entry a line; event names only matter to a key that may write. */
const LIST_FIELDS: {
  name: "allowedOrigins" | "allowedIps" | "allowedEventNames";
  label: string;
  placeholder: string;
  hint: string;
  writeOnly?: boolean;
}[] = [
  {
    name: "allowedOrigins",
    label: "Allowed web origins",
    placeholder: "https://app.example.com\nhttps://*.example.com",
    hint: "Pages on these origins may call /v1 with this key from a browser; none listed, no browser page may. One per line.",
  },
  {
    name: "allowedIps",
    label: "Allowed IP addresses",
    placeholder: "203.0.113.7\n10.0.0.0/8",
    hint: "Addresses or CIDR ranges (IPv4 or IPv6); none listed, any. One per line.",
  },
  {
    name: "allowedEventNames",
    label: "Allowed event names",
    placeholder: "page_view\ncheckout_*",
    hint: "Exact names, or prefixes ending in *; none listed, any. One per line.",
    writeOnly: true,
  },
];

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
      {LIST_FIELDS.filter((field) => canWrite || !field.writeOnly).map((field) => (
        <TextAreaField
          key={field.name}
          label={field.label}
          name={field.name}
          rows={2}
          value={values[field.name]}
          onChange={(e) => set(field.name)(e.target.value)}
          placeholder={field.placeholder}
          hint={field.hint}
          error={errorOf(errors, field.name)}
        />
      ))}
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

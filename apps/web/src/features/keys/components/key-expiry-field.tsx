import type { MaxKeyLifetimeDays } from "@keyward/shared";
import { SelectField, TextField } from "@/components/ui/field";
import { describeFieldError } from "@/lib/form-errors";
import { formatDateTime } from "@/lib/format";
import { type ExpiryChoice, type ExpiryOptions, formatLocalDate } from "../utils/key-expiry";

/** The Expiration select and, for "On a date…", the date picker bounded by the org's limit. */
export function KeyExpiryField({
  expiry,
  expiryDate,
  options,
  keyExpiresAt,
  readOnly,
  maxLifetimeDays,
  error,
  onExpiryChange,
  onDateChange,
}: {
  expiry: ExpiryChoice;
  expiryDate: string;
  options: ExpiryOptions;
  /** Edit mode: the key's expiry as it is (null: never); undefined when creating. */
  keyExpiresAt: string | null | undefined;
  readOnly: boolean;
  maxLifetimeDays: MaxKeyLifetimeDays | undefined;
  error: string | undefined;
  onExpiryChange: (expiry: ExpiryChoice) => void;
  onDateChange: (date: string) => void;
}) {
  const editing = keyExpiresAt !== undefined;
  return (
    <>
      <SelectField
        label="Expiration"
        name="expiry"
        value={expiry}
        onChange={(e) => onExpiryChange(e.target.value as ExpiryChoice)}
        hint={
          maxLifetimeDays
            ? `Your organization requires keys to expire within ${maxLifetimeDays} days.`
            : undefined
        }
        error={expiry === "date" ? undefined : describeFieldError("Expiration", error)}
      >
        {editing ? <option value="keep">{keepLabel(keyExpiresAt, readOnly)}</option> : null}
        {options.choices.includes("never") ? <option value="never">Never</option> : null}
        {options.days.map((days) => (
          <option key={days} value={String(days)}>
            {editing ? `${days} days from now` : `In ${days} days`}
          </option>
        ))}
        <option value="date">On a date…</option>
      </SelectField>
      {expiry === "date" ? (
        <TextField
          label="Expiration date"
          name="expiryDate"
          type="date"
          value={expiryDate}
          min={options.minDate}
          max={options.maxDate}
          onChange={(e) => onDateChange(e.target.value)}
          hint={`The key stops working at the start of that day (00:00 your time)${
            options.maxDate ? `; the last day allowed is ${formatLocalDate(options.maxDate)}` : ""
          }.`}
          error={describeFieldError("Expiration date", error)}
        />
      ) : null}
    </>
  );
}

function keepLabel(expiresAt: string | null, readOnly: boolean): string {
  if (!expiresAt) return readOnly ? "Never expires" : "No change (never expires)";
  return readOnly
    ? `Expires ${formatDateTime(expiresAt)}`
    : `No change (expires ${formatDateTime(expiresAt)})`;
}

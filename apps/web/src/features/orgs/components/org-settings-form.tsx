import {
  MAX_KEY_LIFETIME_CHOICES,
  type MaxKeyLifetimeDays,
  type OrgAnswer,
  type OrgKeyPolicy,
  updateOrgBodySchema,
} from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { useUpdateOrg } from "../api/update-org";

const POLICIES: { value: OrgKeyPolicy; title: string; text: string }[] = [
  {
    value: "everyone",
    title: "Everyone",
    text: "Any member may create and change org-wide keys.",
  },
  {
    value: "restricted",
    title: "Restricted",
    text: "Only admins and members granted “Manage org keys” may create and change org-wide keys.",
  },
];

/** `<select>` values: "" is no limit. */
function lifetimeValue(days: MaxKeyLifetimeDays): string {
  return days === null ? "" : String(days);
}

function parseLifetime(value: string): MaxKeyLifetimeDays {
  const days = Number(value);
  return MAX_KEY_LIFETIME_CHOICES.find((choice) => choice === days) ?? null;
}

export function OrgSettingsForm({ org }: { org: OrgAnswer }) {
  const update = useUpdateOrg(org.id);
  const toast = useToast();
  const [name, setName] = useState(org.name);
  const [policy, setPolicy] = useState<OrgKeyPolicy>(org.orgKeyPolicy);
  const [maxLifetime, setMaxLifetime] = useState<MaxKeyLifetimeDays>(org.maxKeyLifetimeDays);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const serverErrors = isApiError(update.error) ? update.error.fieldErrors : {};
  const nameError = describeFieldError("Name", clientErrors.name ?? serverErrors.name);
  const lifetimeError = describeFieldError(
    "Maximum key lifetime",
    clientErrors.maxKeyLifetimeDays ?? serverErrors.maxKeyLifetimeDays,
  );
  const dirty =
    name !== org.name || policy !== org.orgKeyPolicy || maxLifetime !== org.maxKeyLifetimeDays;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      ...(name !== org.name ? { name } : {}),
      ...(policy !== org.orgKeyPolicy ? { orgKeyPolicy: policy } : {}),
      ...(maxLifetime !== org.maxKeyLifetimeDays ? { maxKeyLifetimeDays: maxLifetime } : {}),
    };
    const parsed = updateOrgBodySchema.safeParse(body);
    if (!parsed.success) {
      setClientErrors(zodFieldErrors(parsed.error));
      return;
    }
    setClientErrors({});
    update.mutate(parsed.data, {
      onSuccess: (saved) => {
        setName(saved.name);
        setPolicy(saved.orgKeyPolicy);
        setMaxLifetime(saved.maxKeyLifetimeDays);
        toast.show("Settings saved");
      },
    });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Organization settings">
      {update.isError && !nameError && !lifetimeError ? (
        <Alert tone="danger">{errorMessage(update.error)}</Alert>
      ) : null}
      <TextField
        label="Organization name"
        name="orgName"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={nameError}
      />
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Who may create and change org-wide keys</legend>
        <div className="stack stack--sm">
          {POLICIES.map((option) => (
            <label key={option.value} className="option-card">
              <input
                type="radio"
                name="orgKeyPolicy"
                value={option.value}
                checked={policy === option.value}
                onChange={() => setPolicy(option.value)}
              />
              <span>
                <span className="option-card__title">{option.title}</span>
                <br />
                <span className="option-card__text">{option.text}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <SelectField
        label="Maximum key lifetime"
        name="maxKeyLifetimeDays"
        value={lifetimeValue(maxLifetime)}
        onChange={(e) => setMaxLifetime(parseLifetime(e.target.value))}
        hint="New keys, and new expiration dates, must fall within it. Keys that already exist keep their dates."
        error={lifetimeError}
      >
        <option value="">No limit</option>
        {MAX_KEY_LIFETIME_CHOICES.map((days) => (
          <option key={days} value={String(days)}>
            {days} days
          </option>
        ))}
      </SelectField>
      <div className="form-actions">
        <Button
          type="button"
          variant="ghost"
          disabled={!dirty || update.isPending}
          onClick={() => {
            setName(org.name);
            setPolicy(org.orgKeyPolicy);
            setMaxLifetime(org.maxKeyLifetimeDays);
            setClientErrors({});
          }}
        >
          Reset
        </Button>
        <Button type="submit" variant="primary" disabled={!dirty} isLoading={update.isPending}>
          Save settings
        </Button>
      </div>
    </form>
  );
}

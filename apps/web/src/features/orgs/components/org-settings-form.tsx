import {
  MAX_KEY_LIFETIME_CHOICES,
  type MaxKeyLifetimeDays,
  type OrgAnswer,
  type OrgKeyPolicy,
  updateOrgBodySchema,
} from "@keyward/shared";
import type { FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { OptionCard, SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { useForm } from "@/lib/use-form";
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

interface Settings {
  name: string;
  orgKeyPolicy: OrgKeyPolicy;
  maxKeyLifetimeDays: MaxKeyLifetimeDays;
}

const settingsOf = (org: OrgAnswer): Settings => ({
  name: org.name,
  orgKeyPolicy: org.orgKeyPolicy,
  maxKeyLifetimeDays: org.maxKeyLifetimeDays,
});

/** The update's body: only the settings that differ from the org's. */
function changedSettings(values: Settings, org: OrgAnswer): Partial<Settings> {
  const saved = settingsOf(org);
  return Object.fromEntries(
    Object.entries(values).filter(([field, value]) => saved[field as keyof Settings] !== value),
  );
}

export function OrgSettingsForm({ org }: { org: OrgAnswer }) {
  const update = useUpdateOrg(org.id);
  const toast = useToast();
  const form = useForm({
    initialValues: () => settingsOf(org),
    serverError: update.error,
    fields: ["name", "orgKeyPolicy", "maxKeyLifetimeDays"],
  });
  const body = changedSettings(form.values, org);
  const dirty = Object.keys(body).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = form.validate(updateOrgBodySchema, body);
    if (!parsed) return;
    update.mutate(parsed, {
      onSuccess: (saved) => {
        form.reset(settingsOf(saved));
        toast.show("Settings saved");
      },
    });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Organization settings">
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <TextField label="Organization name" {...form.textProps("name", "Name")} name="orgName" />
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Who may create and change org-wide keys</legend>
        <div className="stack stack--sm">
          {POLICIES.map((option) => (
            <OptionCard
              key={option.value}
              name="orgKeyPolicy"
              value={option.value}
              checked={form.values.orgKeyPolicy === option.value}
              onChange={() => form.setValue("orgKeyPolicy", option.value)}
              title={option.title}
              text={option.text}
            />
          ))}
        </div>
      </fieldset>
      <SelectField
        label="Maximum key lifetime"
        name="maxKeyLifetimeDays"
        value={lifetimeValue(form.values.maxKeyLifetimeDays)}
        onChange={(e) => form.setValue("maxKeyLifetimeDays", parseLifetime(e.target.value))}
        hint="New keys, and new expiration dates, must fall within it. Keys that already exist keep their dates."
        error={form.fieldError("maxKeyLifetimeDays", "Maximum key lifetime")}
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
          onClick={() => form.reset(settingsOf(org))}
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

import { type OrgAnswer, type OrgKeyPolicy, updateOrgBodySchema } from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
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

export function OrgSettingsForm({ org }: { org: OrgAnswer }) {
  const update = useUpdateOrg(org.id);
  const toast = useToast();
  const [name, setName] = useState(org.name);
  const [policy, setPolicy] = useState<OrgKeyPolicy>(org.orgKeyPolicy);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const serverErrors = isApiError(update.error) ? update.error.fieldErrors : {};
  const nameError = describeFieldError("Name", clientErrors.name ?? serverErrors.name);
  const dirty = name !== org.name || policy !== org.orgKeyPolicy;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      ...(name !== org.name ? { name } : {}),
      ...(policy !== org.orgKeyPolicy ? { orgKeyPolicy: policy } : {}),
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
        toast.show("Settings saved");
      },
    });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Organization settings">
      {update.isError && !nameError ? (
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
      <div className="form-actions">
        <Button
          type="button"
          variant="ghost"
          disabled={!dirty || update.isPending}
          onClick={() => {
            setName(org.name);
            setPolicy(org.orgKeyPolicy);
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

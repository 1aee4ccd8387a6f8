import type { KeyAnswer, MaxKeyLifetimeDays } from "@keyward/shared";
import { Checkbox, TextField } from "@/components/ui/field";
import type { Form } from "@/lib/use-form";
import type { KeyFormValues } from "../utils/key-body";
import type { ExpiryOptions } from "../utils/key-expiry";
import type { Access } from "./key-access";
import { KeyExpiryField } from "./key-expiry-field";
import { KeyPermissionsField } from "./key-permissions-field";
import { KeyRestrictionsFields } from "./key-restrictions-fields";

/** The key form's controls: name, type, permissions, state, expiry and restrictions. */
export function KeySettingsFields({
  form,
  values,
  expiry,
  keyData,
  readOnly,
  disabled,
  orgWideAccess,
  maxLifetimeDays,
  currentUserId,
}: {
  form: Form<KeyFormValues>;
  /** The form's values with an expiry choice the org's limit allows. */
  values: KeyFormValues;
  expiry: ExpiryOptions;
  /** The key being edited; undefined when creating. */
  keyData: KeyAnswer | undefined;
  readOnly: boolean;
  disabled: boolean;
  orgWideAccess: Access;
  maxLifetimeDays: MaxKeyLifetimeDays | undefined;
  currentUserId: string | undefined;
}) {
  const { setValue } = form;
  // Turning a personal key org-wide needs the org-wide right; an org-wide key the caller can
  // edit may always be turned personal (they hold the org-wide right already).
  const orgWideLocked = !orgWideAccess.allowed && !(keyData?.orgWide ?? false);
  const permissionsError = form.clientErrors.permissions
    ? "Choose at least one permission: Read or Write."
    : form.fieldError("permissions", "Permissions");
  // A Write-only key is often shipped inside clients (browsers, apps): Read would let anyone
  // holding it query the org's metrics.
  const widensToRead = Boolean(keyData && !keyData.permissions.read && values.read);

  return (
    <fieldset className="fieldset stack" disabled={disabled}>
      <legend className="visually-hidden">Key settings</legend>
      <TextField
        label="Name"
        name="name"
        value={values.name}
        maxLength={200}
        placeholder="e.g. Production ingest"
        autoComplete="off"
        onChange={(e) => setValue("name", e.target.value)}
        error={form.fieldError("name", "Name")}
        data-autofocus={readOnly ? undefined : ""}
      />

      <Checkbox
        label="Org-Wide"
        name="orgWide"
        checked={values.orgWide}
        disabled={orgWideLocked}
        onChange={(e) => setValue("orgWide", e.target.checked)}
        hint={
          orgWideLocked
            ? orgWideAccess.reason
            : keyData?.owner && keyData.owner.id !== currentUserId
              ? `Belongs to the organization and keeps working when its creator leaves. Unchecked, it stays ${keyData.owner.name}’s personal key.`
              : "Belongs to the organization and keeps working when its creator leaves. Unchecked, it is your personal key."
        }
        error={form.fieldError("orgWide", "Org-Wide")}
      />

      <KeyPermissionsField
        read={values.read}
        write={values.write}
        widensToRead={widensToRead}
        error={permissionsError}
        onChange={setValue}
      />

      <Checkbox
        label="Enabled"
        name="enabled"
        checked={values.enabled}
        onChange={(e) => setValue("enabled", e.target.checked)}
        hint="A disabled key is refused from its very next request. You can enable it again later."
        error={form.fieldError("enabled", "Enabled")}
      />

      <KeyExpiryField
        expiry={values.expiry}
        expiryDate={values.expiryDate}
        options={expiry}
        keyExpiresAt={keyData ? keyData.expiresAt : undefined}
        readOnly={readOnly}
        maxLifetimeDays={maxLifetimeDays}
        error={form.error("expiresAt")}
        onExpiryChange={(choice) => setValue("expiry", choice)}
        onDateChange={(date) => setValue("expiryDate", date)}
      />

      <KeyRestrictionsFields
        values={values.restrictions}
        onChange={(restrictions) => {
          form.setValues((current) => ({ ...current, restrictions }));
          form.clearErrors((field) => field.startsWith("restrictions"));
        }}
        errors={form.errors}
        suggest={values.orgWide && values.write && !values.read}
        canWrite={values.write}
      />
    </fieldset>
  );
}

import {
  type CreateKeyBody,
  createKeyBodySchema,
  type KeyAnswer,
  type UpdateKeyBody,
  updateKeyBodySchema,
} from "@keyward/shared";
import { type FormEvent, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { Checkbox, FieldError, SelectField, TextField } from "@/components/ui/field";
import { LockIcon } from "@/components/ui/icons";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { formatDateTime, formatRelative, keyHint } from "@/lib/format";
import type { Access } from "./key-access";

const DAY_MS = 86_400_000;
const EXPIRY_DAYS = [7, 30, 90, 365] as const;
type ExpiryChoice = "keep" | "never" | `${(typeof EXPIRY_DAYS)[number]}`;

const FORM_FIELDS = ["name", "orgWide", "permissions", "enabled", "expiresAt"] as const;

interface CommonProps {
  /** May the caller create org-wide keys (or turn this key org-wide)? */
  orgWideAccess: Access;
  isPending: boolean;
  /** The mutation's error: field errors from the server are shown beside their field. */
  serverError: unknown;
  onCancel: () => void;
}

export type KeyFormProps = CommonProps &
  (
    | { mode: "create"; onSubmit: (body: CreateKeyBody) => void }
    | {
        mode: "edit";
        keyData: KeyAnswer;
        /** Set when the key is visible but not editable; the form becomes read-only. */
        readOnlyReason?: string | undefined;
        onSubmit: (body: UpdateKeyBody) => void;
      }
  );

interface Values {
  name: string;
  orgWide: boolean;
  read: boolean;
  write: boolean;
  enabled: boolean;
  expiry: ExpiryChoice;
}

function initialValues(props: KeyFormProps): Values {
  if (props.mode === "create") {
    return { name: "", orgWide: false, read: true, write: false, enabled: true, expiry: "never" };
  }
  const key = props.keyData;
  return {
    name: key.name,
    orgWide: key.orgWide,
    read: key.permissions.read,
    write: key.permissions.write,
    enabled: key.enabled,
    expiry: "keep",
  };
}

function expiresAtFor(choice: ExpiryChoice, now = Date.now()): string | null | undefined {
  if (choice === "keep") return undefined;
  if (choice === "never") return null;
  return new Date(now + Number(choice) * DAY_MS).toISOString();
}

function createBody(values: Values): CreateKeyBody {
  const expiresAt = expiresAtFor(values.expiry);
  return {
    name: values.name,
    orgWide: values.orgWide,
    permissions: { read: values.read, write: values.write },
    enabled: values.enabled,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

function updateBody(values: Values, key: KeyAnswer): UpdateKeyBody {
  const body: UpdateKeyBody = {};
  if (values.name.trim() !== key.name) body.name = values.name;
  if (values.orgWide !== key.orgWide) body.orgWide = values.orgWide;
  if (values.read !== key.permissions.read || values.write !== key.permissions.write) {
    body.permissions = { read: values.read, write: values.write };
  }
  if (values.enabled !== key.enabled) body.enabled = values.enabled;
  const expiresAt = expiresAtFor(values.expiry);
  if (expiresAt !== undefined && !(expiresAt === null && key.expiresAt === null)) {
    body.expiresAt = expiresAt;
  }
  return body;
}

function trimName<T extends { name?: string | undefined }>(body: T): T {
  return body.name === undefined ? body : { ...body, name: body.name.trim() };
}

export function KeyForm(props: KeyFormProps) {
  const { mode, orgWideAccess, isPending, serverError, onCancel } = props;
  const keyData = props.mode === "edit" ? props.keyData : undefined;
  const readOnlyReason = props.mode === "edit" ? props.readOnlyReason : undefined;
  const readOnly = Boolean(readOnlyReason);

  const [values, setValues] = useState<Values>(() => initialValues(props));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const permissionsErrorId = useId();

  const serverErrors = isApiError(serverError) ? serverError.fieldErrors : {};
  const errorFor = (field: (typeof FORM_FIELDS)[number]) =>
    clientErrors[field] ?? serverErrors[field];
  const serverErrorHasField = FORM_FIELDS.some((field) => serverErrors[field]);

  // Turning a personal key org-wide needs the org-wide right; an org-wide key the caller can
  // edit may always be turned personal (they hold the org-wide right already).
  const orgWideLocked = !orgWideAccess.allowed && !(keyData?.orgWide ?? false);
  const dirty =
    mode === "create" || (keyData ? Object.keys(updateBody(values, keyData)).length > 0 : false);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    const errorField = field === "read" || field === "write" ? "permissions" : field;
    if (clientErrors[errorField]) {
      setClientErrors(({ [errorField]: _cleared, ...rest }) => rest);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    if (props.mode === "create") {
      const body = createBody(values);
      const parsed = createKeyBodySchema.safeParse(body);
      if (!parsed.success) {
        setClientErrors(zodFieldErrors(parsed.error));
        return;
      }
      setClientErrors({});
      props.onSubmit(trimName(body));
    } else {
      const body = updateBody(values, props.keyData);
      const parsed = updateKeyBodySchema.safeParse(body);
      if (!parsed.success) {
        setClientErrors(zodFieldErrors(parsed.error));
        return;
      }
      setClientErrors({});
      if (Object.keys(body).length === 0) return;
      props.onSubmit(trimName(body));
    }
  };

  const permissionsError = errorFor("permissions");
  const currentExpiry = keyData?.expiresAt
    ? `No change (expires ${formatDateTime(keyData.expiresAt)})`
    : "No change (never expires)";

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={mode === "create" ? "New API key" : "Edit API key"}
    >
      <DialogBody>
        <div className="stack">
          {readOnly ? (
            <Alert tone="warning" title="Read-only">
              {readOnlyReason}
            </Alert>
          ) : null}
          {serverError && !serverErrorHasField ? (
            <Alert tone="danger">{errorMessage(serverError)}</Alert>
          ) : null}

          <fieldset className="fieldset stack" disabled={readOnly || isPending}>
            <legend className="visually-hidden">Key settings</legend>
            <TextField
              label="Name"
              name="name"
              value={values.name}
              maxLength={200}
              placeholder="e.g. Production ingest"
              autoComplete="off"
              onChange={(e) => set("name", e.target.value)}
              error={describeFieldError("Name", errorFor("name"))}
              data-autofocus={readOnly ? undefined : ""}
            />

            <Checkbox
              label="Org-Wide"
              name="orgWide"
              checked={values.orgWide}
              disabled={orgWideLocked}
              onChange={(e) => set("orgWide", e.target.checked)}
              hint={
                orgWideLocked
                  ? orgWideAccess.reason
                  : "Belongs to the organization and keeps working when its creator leaves. Unchecked, it is your personal key."
              }
              error={describeFieldError("Org-Wide", errorFor("orgWide"))}
            />

            <fieldset
              className="fieldset"
              aria-describedby={permissionsError ? permissionsErrorId : undefined}
            >
              <legend className="fieldset__legend">Permissions</legend>
              <div className="fieldset__options">
                <Checkbox
                  label="Read"
                  name="read"
                  checked={values.read}
                  aria-invalid={permissionsError ? true : undefined}
                  onChange={(e) => set("read", e.target.checked)}
                  hint="Query metrics (GET /v1/metrics), e.g. from Grafana."
                />
                <Checkbox
                  label="Write"
                  name="write"
                  checked={values.write}
                  aria-invalid={permissionsError ? true : undefined}
                  onChange={(e) => set("write", e.target.checked)}
                  hint="Send events (POST /v1/events)."
                />
              </div>
              {permissionsError ? (
                <FieldError id={permissionsErrorId}>
                  {clientErrors.permissions
                    ? "Choose at least one permission: Read or Write."
                    : describeFieldError("Permissions", permissionsError)}
                </FieldError>
              ) : null}
            </fieldset>

            <Checkbox
              label="Enabled"
              name="enabled"
              checked={values.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
              hint="A disabled key is refused from its very next request. You can enable it again later."
              error={describeFieldError("Enabled", errorFor("enabled"))}
            />

            <SelectField
              label="Expiration"
              name="expiry"
              value={values.expiry}
              onChange={(e) => set("expiry", e.target.value as ExpiryChoice)}
              error={describeFieldError("Expiration", errorFor("expiresAt"))}
            >
              {mode === "edit" ? <option value="keep">{currentExpiry}</option> : null}
              {mode === "create" || keyData?.expiresAt ? (
                <option value="never">Never</option>
              ) : null}
              {EXPIRY_DAYS.map((days) => (
                <option key={days} value={String(days)}>
                  {mode === "edit" ? `${days} days from now` : `In ${days} days`}
                </option>
              ))}
            </SelectField>
          </fieldset>

          {keyData ? <KeyDetails keyData={keyData} /> : null}
        </div>
      </DialogBody>
      <DialogFooter>
        {readOnly ? (
          <Button onClick={onCancel} icon={<LockIcon />} data-autofocus="">
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onCancel} disabled={isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" isLoading={isPending} disabled={!dirty}>
              {mode === "create" ? "Create key" : "Save changes"}
            </Button>
          </>
        )}
      </DialogFooter>
    </form>
  );
}

function KeyDetails({ keyData }: { keyData: KeyAnswer }) {
  return (
    <dl className="details">
      <dt>Key</dt>
      <dd className="mono">{keyHint(keyData.start)}</dd>
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

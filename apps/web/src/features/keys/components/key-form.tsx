import {
  type CreateKeyBody,
  createKeyBodySchema,
  type KeyAnswer,
  type MaxKeyLifetimeDays,
  type UpdateKeyBody,
  updateKeyBodySchema,
} from "@keyward/shared";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { Checkbox, FieldError, SelectField, TextField } from "@/components/ui/field";
import { LockIcon } from "@/components/ui/icons";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { formatDate, formatDateTime, formatRelative, keyHint, keyStatus } from "@/lib/format";
import type { Access } from "./key-access";
import {
  hasRestrictionError,
  KeyRestrictionsFields,
  type RestrictionValues,
  restrictionErrors,
  restrictionsBody,
  restrictionValues,
} from "./key-restrictions-fields";

const DAY_MS = 86_400_000;
export const EXPIRY_DAYS = [7, 30, 90, 365] as const;
type ExpiryChoice = "keep" | "never" | "date" | `${(typeof EXPIRY_DAYS)[number]}`;

/** `yyyy-mm-dd` of a moment, in the browser's time zone (what `<input type="date">` uses). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The start (00:00, local time) of a `yyyy-mm-dd` day, or null if it is not a date. */
function startOfLocalDay(date: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const day = new Date(y, m - 1, d);
  return day.getMonth() === m - 1 && day.getDate() === d ? day : null;
}

/** "Dec 27, 2026" for `2026-12-27`. */
function formatLocalDate(date: string): string {
  const day = startOfLocalDay(date);
  return day ? formatDate(day.toISOString()) : date;
}

/**
 * The expiration choices an org's limit allows: no "never" under a limit, nothing longer, and
 * custom dates from tomorrow to the last day within the limit (a key expires at the start of
 * the chosen day, so that day is still within it).
 */
export function expiryOptions(
  mode: "create" | "edit",
  keyExpiresAt: string | null,
  maxDays: MaxKeyLifetimeDays | undefined,
  now = Date.now(),
) {
  const limit = maxDays ?? null;
  const days = EXPIRY_DAYS.filter((d) => limit === null || d <= limit);
  const choices: ExpiryChoice[] = [
    ...(mode === "edit" ? (["keep"] as const) : []),
    ...(limit === null && (mode === "create" || keyExpiresAt) ? (["never"] as const) : []),
    ...days.map((d) => `${d}` as const),
    "date",
  ];
  return {
    choices,
    days,
    defaultChoice: (mode === "edit"
      ? "keep"
      : limit === null
        ? "never"
        : `${limit}`) as ExpiryChoice,
    minDate: localDate(now + DAY_MS),
    maxDate: limit === null ? undefined : localDate(now + limit * DAY_MS),
  };
}

const FORM_FIELDS = ["name", "orgWide", "permissions", "enabled", "expiresAt"] as const;

interface CommonProps {
  /** May the caller create org-wide keys (or turn this key org-wide)? */
  orgWideAccess: Access;
  /** The org's limit on key lifetime in days (null: none; undefined: not known yet). */
  maxLifetimeDays?: MaxKeyLifetimeDays | undefined;
  isPending: boolean;
  /** The mutation's error: field errors from the server are shown beside their field. */
  serverError: unknown;
  onCancel: () => void;
  /** Actions on the key shown under its details (e.g. roll, history). */
  keyActions?: ReactNode;
  currentUserId?: string | undefined;
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
  /** `yyyy-mm-dd` when `expiry` is "date". */
  expiryDate: string;
  restrictions: RestrictionValues;
}

function initialValues(props: KeyFormProps): Values {
  if (props.mode === "create") {
    return {
      name: "",
      orgWide: false,
      read: true,
      write: false,
      enabled: true,
      expiry: "never",
      expiryDate: "",
      restrictions: restrictionValues(),
    };
  }
  const key = props.keyData;
  return {
    name: key.name,
    orgWide: key.orgWide,
    read: key.permissions.read,
    write: key.permissions.write,
    enabled: key.enabled,
    expiry: "keep",
    expiryDate: key.expiresAt ? localDate(Date.parse(key.expiresAt)) : "",
    restrictions: restrictionValues(key),
  };
}

/** `expiresAt` for the body: undefined leaves it as it is; "" is a date not chosen yet. */
function expiresAtFor(values: Values, now = Date.now()): string | null | undefined {
  switch (values.expiry) {
    case "keep":
      return undefined;
    case "never":
      return null;
    case "date":
      return startOfLocalDay(values.expiryDate)?.toISOString() ?? "";
    default:
      return new Date(now + Number(values.expiry) * DAY_MS).toISOString();
  }
}

function createBody(values: Values): CreateKeyBody {
  const expiresAt = expiresAtFor(values);
  const restrictions = restrictionsBody(values.restrictions);
  return {
    name: values.name,
    orgWide: values.orgWide,
    permissions: { read: values.read, write: values.write },
    enabled: values.enabled,
    ...(expiresAt ? { expiresAt } : {}),
    ...(restrictions ? { restrictions } : {}),
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
  const expiresAt = expiresAtFor(values);
  if (expiresAt !== undefined && !(expiresAt === null && key.expiresAt === null)) {
    body.expiresAt = expiresAt;
  }
  const restrictions = restrictionsBody(values.restrictions, key);
  if (restrictions) body.restrictions = restrictions;
  return body;
}

function trimName<T extends { name?: string | undefined }>(body: T): T {
  return body.name === undefined ? body : { ...body, name: body.name.trim() };
}

export function KeyForm(props: KeyFormProps) {
  const {
    mode,
    orgWideAccess,
    maxLifetimeDays,
    isPending,
    serverError,
    onCancel,
    keyActions,
    currentUserId,
  } = props;
  const keyData = props.mode === "edit" ? props.keyData : undefined;
  const readOnlyReason = props.mode === "edit" ? props.readOnlyReason : undefined;
  const readOnly = Boolean(readOnlyReason);

  const [stateValues, setValues] = useState<Values>(() => initialValues(props));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const permissionsErrorId = useId();

  const expiry = expiryOptions(mode, keyData?.expiresAt ?? null, maxLifetimeDays);
  // A choice the org's limit no longer allows (it loaded or changed) falls back to the default.
  const values: Values = expiry.choices.includes(stateValues.expiry)
    ? stateValues
    : { ...stateValues, expiry: expiry.defaultChoice };

  const serverErrors = isApiError(serverError) ? serverError.fieldErrors : {};
  const errorFor = (field: (typeof FORM_FIELDS)[number]) =>
    clientErrors[field] ?? serverErrors[field];
  const serverErrorHasField =
    FORM_FIELDS.some((field) => serverErrors[field]) || hasRestrictionError(serverErrors);

  // Turning a personal key org-wide needs the org-wide right; an org-wide key the caller can
  // edit may always be turned personal (they hold the org-wide right already).
  const orgWideLocked = !orgWideAccess.allowed && !(keyData?.orgWide ?? false);
  const dirty =
    mode === "create" || (keyData ? Object.keys(updateBody(values, keyData)).length > 0 : false);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    const errorField =
      field === "read" || field === "write"
        ? "permissions"
        : field === "expiry" || field === "expiryDate"
          ? "expiresAt"
          : field;
    if (clientErrors[errorField]) {
      setClientErrors(({ [errorField]: _cleared, ...rest }) => rest);
    }
  };

  /** The checks zod cannot make: a date was chosen, and it is within the org's limit. */
  const expiryError = (): string | undefined => {
    const expiresAt = expiresAtFor(values);
    if (expiresAt === "") return "Choose a date.";
    if (
      expiresAt &&
      maxLifetimeDays &&
      Date.parse(expiresAt) > Date.now() + maxLifetimeDays * DAY_MS
    ) {
      return `must be within ${maxLifetimeDays} days: this organization limits key lifetime`;
    }
    return undefined;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    const lifetimeError = expiryError();
    if (lifetimeError) {
      setClientErrors({ expiresAt: lifetimeError });
      return;
    }
    if (props.mode === "create") {
      const body = createBody(values);
      const parsed = createKeyBodySchema.safeParse(body);
      if (!parsed.success) {
        setClientErrors({
          ...zodFieldErrors(parsed.error),
          ...restrictionErrors(body.restrictions),
        });
        return;
      }
      setClientErrors({});
      props.onSubmit(trimName(body));
    } else {
      const body = updateBody(values, props.keyData);
      const parsed = updateKeyBodySchema.safeParse(body);
      if (!parsed.success) {
        setClientErrors({
          ...zodFieldErrors(parsed.error),
          ...restrictionErrors(body.restrictions ?? undefined),
        });
        return;
      }
      setClientErrors({});
      if (Object.keys(body).length === 0) return;
      props.onSubmit(trimName(body));
    }
  };

  const permissionsError = errorFor("permissions");
  const currentExpiry = keyData?.expiresAt
    ? readOnly
      ? `Expires ${formatDateTime(keyData.expiresAt)}`
      : `No change (expires ${formatDateTime(keyData.expiresAt)})`
    : readOnly
      ? "Never expires"
      : "No change (never expires)";
  // A Write-only key is often shipped inside clients (browsers, apps): Read would let anyone
  // holding it query the org's metrics.
  const widensToRead = Boolean(keyData && !keyData.permissions.read && values.read);

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={mode === "create" ? "New API key" : "Edit API key"}
    >
      <DialogBody>
        <div className="stack">
          {readOnly ? (
            // Focused first, so the dialog opens at its top with the reason read out.
            <div tabIndex={-1} data-autofocus="" className="focus-target">
              <Alert tone="warning" title="Read-only">
                {readOnlyReason}
              </Alert>
            </div>
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
                  : keyData?.owner && keyData.owner.id !== currentUserId
                    ? `Belongs to the organization and keeps working when its creator leaves. Unchecked, it stays ${keyData.owner.name}’s personal key.`
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
              {widensToRead ? (
                <Alert tone="warning" title="This key would be able to read metrics">
                  Write-only keys are often built into apps and web pages, where anyone can copy
                  them. With Read, whoever holds this key can query your organization’s metrics.
                </Alert>
              ) : null}
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
              hint={
                maxLifetimeDays
                  ? `Your organization requires keys to expire within ${maxLifetimeDays} days.`
                  : undefined
              }
              error={
                values.expiry === "date"
                  ? undefined
                  : describeFieldError("Expiration", errorFor("expiresAt"))
              }
            >
              {mode === "edit" ? <option value="keep">{currentExpiry}</option> : null}
              {expiry.choices.includes("never") ? <option value="never">Never</option> : null}
              {expiry.days.map((days) => (
                <option key={days} value={String(days)}>
                  {mode === "edit" ? `${days} days from now` : `In ${days} days`}
                </option>
              ))}
              <option value="date">On a date…</option>
            </SelectField>
            {values.expiry === "date" ? (
              <TextField
                label="Expiration date"
                name="expiryDate"
                type="date"
                value={values.expiryDate}
                min={expiry.minDate}
                max={expiry.maxDate}
                onChange={(e) => set("expiryDate", e.target.value)}
                hint={`The key stops working at the start of that day (00:00 your time)${
                  expiry.maxDate
                    ? `; the last day allowed is ${formatLocalDate(expiry.maxDate)}`
                    : ""
                }.`}
                error={describeFieldError("Expiration date", errorFor("expiresAt"))}
              />
            ) : null}

            <KeyRestrictionsFields
              values={values.restrictions}
              onChange={(restrictions) => {
                setValues((current) => ({ ...current, restrictions }));
                setClientErrors(({ restrictions: _cleared, ...rest }) =>
                  Object.fromEntries(
                    Object.entries(rest).filter(([field]) => !field.startsWith("restrictions")),
                  ),
                );
              }}
              errors={{ ...serverErrors, ...clientErrors }}
              suggest={values.orgWide && values.write && !values.read}
              canWrite={values.write}
            />
          </fieldset>

          {keyData ? <KeyDetails keyData={keyData} /> : null}
          {keyActions ? <div className="key-actions">{keyActions}</div> : null}
        </div>
      </DialogBody>
      <DialogFooter>
        {readOnly ? (
          <Button onClick={onCancel} icon={<LockIcon />}>
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
  const status = keyStatus(keyData);
  return (
    <dl className="details">
      <dt>Key</dt>
      <dd className="mono">{keyHint(keyData.start)}</dd>
      <dt>Status</dt>
      <dd>
        {status.label}
        {status.detail ? <span className="text-subtle"> · {status.detail}</span> : null}
      </dd>
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

import {
  type CreateKeyBody,
  createKeyBodySchema,
  type KeyAnswer,
  type MaxKeyLifetimeDays,
  type UpdateKeyBody,
  updateKeyBodySchema,
} from "@keyward/shared";
import type { FormEvent, ReactNode } from "react";
import type { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { LockIcon } from "@/components/ui/icons";
import { useForm } from "@/lib/use-form";
import {
  createKeyBody,
  isKeyFormField,
  type KeyFormValues,
  keyErrorFieldOf,
  keyExpiresAt,
  keyFormValues,
  trimName,
  updateKeyBody,
} from "../utils/key-body";
import { expiryError, expiryOptions } from "../utils/key-expiry";
import { restrictionErrors } from "../utils/key-restrictions";
import type { Access } from "./key-access";
import { KeyDetails } from "./key-details";
import { KeySettingsFields } from "./key-settings-fields";

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
  /** The key's usage (edit), shown in the dialog's body under the key's actions. */
  usage?: ReactNode;
  currentUserId?: string | undefined;
}

interface CreateProps extends CommonProps {
  mode: "create";
  onSubmit: (body: CreateKeyBody) => void;
}

interface EditProps extends CommonProps {
  mode: "edit";
  keyData: KeyAnswer;
  /** Set when the key is visible but not editable; the form becomes read-only. */
  readOnlyReason?: string | undefined;
  onSubmit: (body: UpdateKeyBody) => void;
}

export type KeyFormProps = CreateProps | EditProps;

export function KeyForm(props: KeyFormProps) {
  return props.mode === "create" ? <CreateKeyForm {...props} /> : <EditKeyForm {...props} />;
}

function CreateKeyForm(props: CreateProps) {
  const state = useKeyForm(props, undefined);
  const submit = () => {
    const body = createKeyBody(state.values);
    if (state.check(createKeyBodySchema, body)) props.onSubmit(trimName(body));
  };
  return <KeyFormLayout {...props} state={state} dirty onValidSubmit={submit} />;
}

function EditKeyForm(props: EditProps) {
  const { keyData, readOnlyReason } = props;
  const state = useKeyForm(props, keyData);
  const body = updateKeyBody(state.values, keyData);
  const dirty = Object.keys(body).length > 0;
  const submit = () => {
    if (readOnlyReason) return;
    if (state.check(updateKeyBodySchema, body) && dirty) props.onSubmit(trimName(body));
  };
  return (
    <KeyFormLayout
      {...props}
      state={state}
      dirty={dirty}
      onValidSubmit={submit}
      readOnlyReason={readOnlyReason}
      details={<KeyDetails keyData={keyData} />}
    />
  );
}

/** The form's values and errors, with the expiry choices the org's limit allows. */
function useKeyForm(props: CommonProps & { mode: "create" | "edit" }, keyData?: KeyAnswer) {
  const { maxLifetimeDays } = props;
  const form = useForm<KeyFormValues>({
    initialValues: () => keyFormValues(keyData),
    serverError: props.serverError,
    fields: isKeyFormField,
    errorFieldOf: keyErrorFieldOf,
  });
  const expiry = expiryOptions(props.mode, keyData?.expiresAt ?? null, maxLifetimeDays);
  // A choice the org's limit no longer allows (it loaded or changed) falls back to the default.
  const values: KeyFormValues = expiry.choices.includes(form.values.expiry)
    ? form.values
    : { ...form.values, expiry: expiry.defaultChoice };

  /** The lifetime rule first (alone), then the shared schema and the restriction lines. */
  const check = (
    schema: z.ZodType,
    body: { restrictions?: CreateKeyBody["restrictions"] | null },
  ): boolean => {
    const lifetimeError = expiryError(keyExpiresAt(values), maxLifetimeDays);
    if (lifetimeError) {
      form.setErrors({ expiresAt: lifetimeError });
      return false;
    }
    return (
      form.validate(schema, body, restrictionErrors(body.restrictions ?? undefined)) !== undefined
    );
  };
  return { form, values, expiry, check };
}

function KeyFormLayout({
  mode,
  state,
  dirty,
  onValidSubmit,
  readOnlyReason,
  details,
  keyData,
  orgWideAccess,
  maxLifetimeDays,
  currentUserId,
  isPending,
  onCancel,
  keyActions,
  usage,
}: CommonProps & {
  mode: "create" | "edit";
  state: ReturnType<typeof useKeyForm>;
  dirty: boolean;
  onValidSubmit: () => void;
  readOnlyReason?: string | undefined;
  details?: ReactNode;
  keyData?: KeyAnswer;
}) {
  const readOnly = Boolean(readOnlyReason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onValidSubmit();
  };
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
          {state.form.formError ? <Alert tone="danger">{state.form.formError}</Alert> : null}
          <KeySettingsFields
            form={state.form}
            values={state.values}
            expiry={state.expiry}
            keyData={keyData}
            readOnly={readOnly}
            disabled={readOnly || isPending}
            orgWideAccess={orgWideAccess}
            maxLifetimeDays={maxLifetimeDays}
            currentUserId={currentUserId}
          />
          {details}
          {keyActions ? <div className="key-actions">{keyActions}</div> : null}
          {usage}
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

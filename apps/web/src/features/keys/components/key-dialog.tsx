import type { KeyAnswer, MaxKeyLifetimeDays, UpdateKeyBody } from "@keyward/shared";
import { useState } from "react";
import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { HistoryIcon, RotateIcon } from "@/components/ui/icons";
import { keyLockExplanation } from "@/lib/capability-reasons";
import { formatDateTime } from "@/lib/format";
import { paths } from "@/lib/paths";
import { useCreateKey } from "../api/create-key";
import { useRollKey } from "../api/roll-key";
import { useUpdateKey } from "../api/update-key";
import type { Access } from "./key-access";
import { KeyForm } from "./key-form";
import { KeySummary } from "./key-summary";
import { oldKeyExpiry, RollKeyForm } from "./roll-key-form";
import { SecretView } from "./secret-view";
import { KeyUsagePanel } from "./usage-panel";

export type KeyDialogState =
  | { mode: "closed" }
  | { mode: "create" }
  | { mode: "edit"; key: KeyAnswer }
  | { mode: "roll"; key: KeyAnswer };

interface Created {
  key: KeyAnswer;
  secret: string;
  /** Set after a roll: when the old key stops working (ms since the epoch). */
  oldKeyStopsAt?: number;
}

export function KeyDialog({
  orgId,
  state,
  orgWideAccess,
  maxLifetimeDays,
  currentUserId,
  onRoll,
  onSaved,
  onClose,
}: {
  orgId: string;
  state: KeyDialogState;
  orgWideAccess: Access;
  /** The org's limit on key lifetime; `undefined` while it loads. */
  maxLifetimeDays: MaxKeyLifetimeDays | undefined;
  currentUserId: string | undefined;
  /** Switches the dialog to rolling this key. */
  onRoll: (key: KeyAnswer) => void;
  /** After an edit is saved (the caller says so, with Undo for a disable). */
  onSaved: (saved: KeyAnswer, before: KeyAnswer) => void;
  onClose: () => void;
}) {
  const createKey = useCreateKey(orgId);
  const updateKey = useUpdateKey(orgId);
  const rollKey = useRollKey(orgId);
  // A disable asks first, naming the exact key (rolled keys share a name).
  const [disableBody, setDisableBody] = useState<UpdateKeyBody | null>(null);
  // Held only while this dialog shows it; gone for good once it closes.
  const [created, setCreated] = useState<Created | null>(null);
  const [secretSaved, setSecretSaved] = useState(false);
  const [confirmingClose, setConfirmingClose] = useState(false);

  const close = () => {
    setCreated(null);
    setSecretSaved(false);
    setConfirmingClose(false);
    setDisableBody(null);
    createKey.reset();
    updateKey.reset();
    rollKey.reset();
    onClose();
  };

  // Esc, × and Done alike: a secret not yet copied or downloaded is lost for good on close.
  const requestSecretClose = () => (secretSaved ? close() : setConfirmingClose(true));

  if (state.mode === "closed") return null;

  if (created) {
    const stopsAt = created.oldKeyStopsAt;
    return (
      <Dialog
        key="secret"
        open
        onClose={requestSecretClose}
        title="Your new API key"
        description={
          stopsAt === undefined
            ? `“${created.key.name}” is ready to use.`
            : stopsAt <= Date.now()
              ? `“${created.key.name}” was rolled. The old key no longer works.`
              : `“${created.key.name}” was rolled. The old key keeps working until ${formatDateTime(new Date(stopsAt).toISOString())}.`
        }
        size="lg"
      >
        <SecretView
          keyData={created.key}
          secret={created.secret}
          saved={secretSaved}
          confirmingClose={confirmingClose}
          onSaved={() => {
            setSecretSaved(true);
            setConfirmingClose(false);
          }}
          onDone={requestSecretClose}
          onKeepOpen={() => setConfirmingClose(false)}
          onCloseAnyway={close}
        />
      </Dialog>
    );
  }

  if (state.mode === "create") {
    return (
      <Dialog
        key="create"
        open
        onClose={close}
        title="New API key"
        description="Keys let your apps send events (Write) and read metrics (Read)."
      >
        <KeyForm
          mode="create"
          orgWideAccess={orgWideAccess}
          maxLifetimeDays={maxLifetimeDays}
          isPending={createKey.isPending}
          serverError={createKey.error}
          onCancel={close}
          onSubmit={(body) =>
            createKey.mutate(body, {
              onSuccess: (answer) => {
                setCreated({ key: answer.key, secret: answer.secret });
                createKey.reset();
              },
            })
          }
        />
      </Dialog>
    );
  }

  const key = state.key;

  if (state.mode === "roll") {
    return (
      <Dialog
        key={`roll-${key.id}`}
        open
        onClose={close}
        title={`Roll “${key.name}”`}
        description={`Key ${key.start}… · ${key.orgWide ? "Org-Wide" : `Personal key of ${key.owner?.name ?? "a member"}`}`}
      >
        <RollKeyForm
          keyData={key}
          isPending={rollKey.isPending}
          serverError={rollKey.error}
          onCancel={close}
          onSubmit={(graceSeconds) => {
            const rolledAt = Date.now();
            rollKey.mutate(
              { keyId: key.id, body: { graceSeconds } },
              {
                onSuccess: (answer) => {
                  setCreated({
                    key: answer.key,
                    secret: answer.secret,
                    oldKeyStopsAt: oldKeyExpiry(key, graceSeconds, rolledAt).at,
                  });
                  rollKey.reset();
                },
              },
            );
          }}
        />
      </Dialog>
    );
  }

  const reason = key.canEdit ? undefined : keyLockExplanation(key);
  const save = (body: UpdateKeyBody) =>
    updateKey.mutate(
      { keyId: key.id, body },
      {
        onSuccess: (saved) => {
          onSaved(saved, key);
          close();
        },
        onSettled: () => setDisableBody(null),
      },
    );
  return (
    <>
      <Dialog
        key={`edit-${key.id}`}
        open
        onClose={close}
        title={reason ? key.name : `Edit “${key.name}”`}
        description={
          key.orgWide ? "Org-Wide key" : `Personal key of ${key.owner?.name ?? "a member"}`
        }
      >
        <KeyForm
          key={key.id}
          mode="edit"
          keyData={key}
          readOnlyReason={reason}
          currentUserId={currentUserId}
          orgWideAccess={orgWideAccess}
          maxLifetimeDays={maxLifetimeDays}
          isPending={updateKey.isPending}
          serverError={updateKey.error}
          onCancel={close}
          keyActions={
            <>
              {key.canEdit ? (
                <Button
                  size="sm"
                  icon={<RotateIcon />}
                  disabled={updateKey.isPending}
                  onClick={() => {
                    updateKey.reset();
                    onRoll(key);
                  }}
                >
                  Roll key…
                </Button>
              ) : null}
              <Link className="btn btn--ghost btn--sm" to={paths.audit(orgId, key.id)}>
                <HistoryIcon />
                View history
              </Link>
            </>
          }
          usage={<KeyUsagePanel orgId={orgId} keyData={key} />}
          onSubmit={(body) => (body.enabled === false ? setDisableBody(body) : save(body))}
        />
      </Dialog>
      <ConfirmDialog
        open={disableBody !== null}
        title={`Disable “${key.name}”?`}
        confirmLabel="Disable key"
        isPending={updateKey.isPending}
        onClose={() => setDisableBody(null)}
        onConfirm={() => disableBody && save(disableBody)}
      >
        <div className="stack stack--sm">
          <KeySummary keyData={key} />
          <p>Requests with this key are refused from the next one. You can enable it again.</p>
        </div>
      </ConfirmDialog>
    </>
  );
}

import type { KeyAnswer } from "@keyward/shared";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { useCreateKey } from "../api/create-key";
import { useUpdateKey } from "../api/update-key";
import { type Access, readOnlyReason } from "./key-access";
import { KeyForm } from "./key-form";
import { SecretView } from "./secret-view";

export type KeyDialogState =
  | { mode: "closed" }
  | { mode: "create" }
  | { mode: "edit"; key: KeyAnswer };

interface Created {
  key: KeyAnswer;
  secret: string;
}

export function KeyDialog({
  orgId,
  state,
  orgWideAccess,
  currentUserId,
  onClose,
}: {
  orgId: string;
  state: KeyDialogState;
  orgWideAccess: Access;
  currentUserId: string | undefined;
  onClose: () => void;
}) {
  const createKey = useCreateKey(orgId);
  const updateKey = useUpdateKey(orgId);
  const toast = useToast();
  // Held only while this dialog shows it; gone for good once it closes.
  const [created, setCreated] = useState<Created | null>(null);

  const close = () => {
    setCreated(null);
    createKey.reset();
    updateKey.reset();
    onClose();
  };

  if (state.mode === "closed") return null;

  if (created) {
    return (
      <Dialog
        key="secret"
        open
        onClose={close}
        title="Your new API key"
        description={`“${created.key.name}” is ready to use.`}
        size="lg"
      >
        <SecretView keyData={created.key} secret={created.secret} onDone={close} />
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
  const reason = key.canEdit ? undefined : readOnlyReason(key, currentUserId);
  return (
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
        orgWideAccess={orgWideAccess}
        isPending={updateKey.isPending}
        serverError={updateKey.error}
        onCancel={close}
        onSubmit={(body) =>
          updateKey.mutate(
            { keyId: key.id, body },
            {
              onSuccess: () => {
                toast.show("Key saved");
                close();
              },
            },
          )
        }
      />
    </Dialog>
  );
}

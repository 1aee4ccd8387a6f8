import type { KeyAnswer } from "@keyward/shared";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import type { useDeleteKey } from "../api/delete-key";
import { KeySummary } from "./key-summary";

/** "Delete “name”?" for one key, naming it exactly (rolled keys share a name). */
export function DeleteKeyDialog({
  keyData,
  deleteKey,
  now,
  onClose,
}: {
  keyData: KeyAnswer | null;
  deleteKey: ReturnType<typeof useDeleteKey>;
  now: number;
  onClose: () => void;
}) {
  const toast = useToast();
  return (
    <ConfirmDialog
      open={keyData !== null}
      title={`Delete “${keyData?.name ?? ""}”?`}
      confirmLabel="Delete key"
      isPending={deleteKey.isPending}
      error={deleteKey.isError ? errorMessage(deleteKey.error) : undefined}
      onClose={onClose}
      onConfirm={() => {
        if (!keyData) return;
        const name = keyData.name;
        deleteKey.mutate(keyData.id, {
          onSuccess: () => {
            onClose();
            toast.show(`“${name}” deleted`);
          },
        });
      }}
    >
      <div className="stack stack--sm">
        {keyData ? <KeySummary keyData={keyData} now={now} /> : null}
        <p>Requests with this key will be refused at once. This cannot be undone.</p>
      </div>
    </ConfirmDialog>
  );
}

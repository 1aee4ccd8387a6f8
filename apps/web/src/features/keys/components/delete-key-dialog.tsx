import type { KeyAnswer } from "@keyward/shared";
import { ConfirmMutationDialog } from "@/components/ui/confirm-dialog";
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
  return (
    <ConfirmMutationDialog
      target={keyData}
      mutation={deleteKey}
      variables={(key) => key.id}
      doneMessage={(key) => `“${key.name}” deleted`}
      onClose={onClose}
      title={`Delete “${keyData?.name ?? ""}”?`}
      confirmLabel="Delete key"
    >
      <div className="stack stack--sm">
        {keyData ? <KeySummary keyData={keyData} now={now} /> : null}
        <p>Requests with this key will be refused at once. This cannot be undone.</p>
      </div>
    </ConfirmMutationDialog>
  );
}

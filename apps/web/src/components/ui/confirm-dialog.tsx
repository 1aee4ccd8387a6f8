import type { ReactNode } from "react";
import { errorMessage } from "@/lib/api-client";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog, DialogBody, DialogFooter } from "./dialog";
import { useToast } from "./toast";

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  isPending,
  error,
}: {
  open: boolean;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  isPending: boolean;
  error?: string | undefined;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title} size="sm" role="alertdialog">
      <DialogBody>
        <div className="stack">
          <div className="text-muted">{children}</div>
          {error ? <Alert tone="danger">{error}</Alert> : null}
        </div>
      </DialogBody>
      <DialogFooter>
        <Button onClick={onClose} data-autofocus="">
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm} isLoading={isPending}>
          {confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

/** The part of a react-query mutation a confirmation runs. */
interface ConfirmedMutation<TVariables> {
  mutate: (variables: TVariables, options: { onSuccess: () => void }) => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
}

/**
 * "Remove …?" for one row: confirming runs `mutation` on `target`; once it succeeds the dialog
 * closes and a toast says what was done (`doneMessage`); a refusal shows in the dialog.
 */
export function ConfirmMutationDialog<T, TVariables>({
  target,
  mutation,
  variables,
  doneMessage,
  onClose,
  ...props
}: {
  target: T | null;
  mutation: ConfirmedMutation<TVariables>;
  variables: (target: T) => TVariables;
  doneMessage: (target: T) => string;
  onClose: () => void;
  title: ReactNode;
  confirmLabel: string;
  children: ReactNode;
}) {
  const toast = useToast();
  return (
    <ConfirmDialog
      {...props}
      open={target !== null}
      isPending={mutation.isPending}
      error={mutation.isError ? errorMessage(mutation.error) : undefined}
      onClose={onClose}
      onConfirm={() => {
        if (target === null) return;
        const message = doneMessage(target);
        mutation.mutate(variables(target), {
          onSuccess: () => {
            onClose();
            toast.show(message);
          },
        });
      }}
    />
  );
}

import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog, DialogBody, DialogFooter } from "./dialog";

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

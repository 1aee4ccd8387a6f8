import type { KeyAnswer } from "@keyward/shared";
import { useCallback, useRef, useState } from "react";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import { useUpdateKey } from "../api/update-key";

/**
 * Enabling and disabling keys from the list, with the keys under way, and the toasts that say
 * a key was saved (a disable offers Undo, which enables the key again).
 */
export function useToggleKey(orgId: string, noteSaved: (saved: KeyAnswer) => void) {
  const toast = useToast();
  const updateKey = useUpdateKey(orgId);
  const [pendingKeyIds, setPendingKeyIds] = useState<ReadonlySet<string>>(new Set());
  // Undo in a toast calls the latest toggle (the toast outlives the render that showed it).
  const toggleRef = useRef<(key: KeyAnswer, enabled: boolean) => void>(() => {});

  const showDisabled = useCallback(
    (saved: KeyAnswer) =>
      toast.show(`“${saved.name}” disabled: it is refused from its next request`, "success", {
        label: "Undo",
        onClick: () => toggleRef.current(saved, true),
      }),
    [toast],
  );

  const toggleEnabled = useCallback(
    (key: KeyAnswer, enabled: boolean) => {
      setPendingKeyIds((ids) => new Set(ids).add(key.id));
      updateKey.mutate(
        { keyId: key.id, body: { enabled } },
        {
          onSuccess: (saved) => {
            noteSaved(saved);
            if (enabled) toast.show(`“${key.name}” enabled`);
            else showDisabled(saved);
          },
          onError: (error) => toast.show(errorMessage(error), "danger"),
          onSettled: () =>
            setPendingKeyIds((ids) => {
              const next = new Set(ids);
              next.delete(key.id);
              return next;
            }),
        },
      );
    },
    [updateKey.mutate, toast, noteSaved, showDisabled],
  );
  toggleRef.current = toggleEnabled;

  /** After the key dialog saved an edit. */
  const announceSaved = (saved: KeyAnswer, before: KeyAnswer) => {
    noteSaved(saved);
    if (before.enabled && !saved.enabled) showDisabled(saved);
    else toast.show("Key saved");
  };

  return { toggleEnabled, pendingKeyIds, announceSaved };
}

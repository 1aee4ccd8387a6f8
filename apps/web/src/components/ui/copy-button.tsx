import { useEffect, useRef, useState } from "react";
import { Button } from "./button";
import { CheckIcon, CopyIcon } from "./icons";

async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Older browsers and non-secure origins: copy through a hidden selection.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

export function CopyButton({
  text,
  label = "Copy",
  copiedLabel = "Copied",
  accessibleLabel,
  variant = "secondary",
  size = "sm",
  autoFocus,
  onCopied,
}: {
  /** The text, or a function that fetches it when clicked (e.g. a renewed invite link). */
  text: string | (() => Promise<string>);
  onCopied?: () => void;
  label?: string;
  copiedLabel?: string;
  /** Accessible name when the visible label alone is ambiguous ("Copy secret"). */
  accessibleLabel?: string;
  variant?: "primary" | "secondary" | "ghost";
  size?: "sm" | "md";
  autoFocus?: boolean;
}) {
  const [state, setState] = useState<"idle" | "working" | "copied" | "failed">("idle");
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    try {
      if (typeof text !== "string") setState("working");
      await writeClipboard(typeof text === "string" ? text : await text());
      setState("copied");
      onCopied?.();
    } catch {
      setState("failed");
    }
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState("idle"), 2000);
  };

  return (
    <>
      <Button
        variant={variant}
        size={size}
        icon={state === "copied" ? <CheckIcon /> : <CopyIcon />}
        onClick={copy}
        isLoading={state === "working"}
        aria-label={accessibleLabel}
        data-autofocus={autoFocus ? "" : undefined}
      >
        {state === "copied" ? copiedLabel : label}
      </Button>
      <span className="visually-hidden" aria-live="polite">
        {state === "copied"
          ? "Copied to clipboard"
          : state === "failed"
            ? "Copy failed: select the text and copy it by hand"
            : ""}
      </span>
    </>
  );
}

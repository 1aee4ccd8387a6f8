import type { ButtonHTMLAttributes } from "react";

export interface SwitchProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onChange" | "role" | "aria-checked"> {
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  /** Accessible name, e.g. "Enabled: Production ingest". */
  label: string;
}

export function Switch({ checked, onCheckedChange, label, className, ...props }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      className={`switch ${checked ? "switch--on" : ""} ${className ?? ""}`.trim()}
      onClick={(event) => {
        event.stopPropagation();
        onCheckedChange(!checked);
      }}
      {...props}
    >
      <span className="switch__thumb" aria-hidden="true" />
    </button>
  );
}

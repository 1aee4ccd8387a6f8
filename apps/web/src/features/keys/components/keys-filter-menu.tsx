import { useEffect, useId, useRef, useState } from "react";
import { IconButton } from "@/components/ui/button";
import { FilterIcon } from "@/components/ui/icons";
import { Switch } from "@/components/ui/switch";
import type { KeyTypeFilter } from "../api/get-keys";

export function KeysFilterMenu({
  includeDisabled,
  onIncludeDisabledChange,
  type,
  onTypeChange,
}: {
  includeDisabled: boolean;
  onIncludeDisabledChange: (value: boolean) => void;
  type: KeyTypeFilter | undefined;
  onTypeChange: (value: KeyTypeFilter | undefined) => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const typeId = useId();
  const disabledHintId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const active = includeDisabled || type !== undefined;

  useEffect(() => {
    if (!open) return;
    const closeIfOutside = (event: Event) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", closeIfOutside);
    document.addEventListener("focusin", closeIfOutside);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", closeIfOutside);
      document.removeEventListener("focusin", closeIfOutside);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [open]);

  return (
    <div className="popover" ref={rootRef}>
      <IconButton
        ref={buttonRef}
        label="Filter"
        variant="secondary"
        className={active ? "icon-btn--active" : undefined}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <FilterIcon />
      </IconButton>
      {open ? (
        <fieldset id={panelId} className="popover__panel">
          <legend className="popover__title">Filters</legend>
          <div className="popover__row">
            <div>
              <span className="check__label" aria-hidden="true">
                Disabled
              </span>
              <p id={disabledHintId} className="popover__hint">
                Also show disabled keys (expired keys always show, marked Expired)
              </p>
            </div>
            <Switch
              checked={includeDisabled}
              label="Disabled"
              aria-describedby={disabledHintId}
              onCheckedChange={onIncludeDisabledChange}
            />
          </div>
          <div className="popover__row">
            <label htmlFor={typeId}>Type</label>
            <select
              id={typeId}
              className="select select--sm select--auto"
              value={type ?? ""}
              onChange={(e) =>
                onTypeChange((e.target.value || undefined) as KeyTypeFilter | undefined)
              }
            >
              <option value="">All types</option>
              <option value="personal">Personal</option>
              <option value="org">Org-Wide</option>
            </select>
          </div>
        </fieldset>
      ) : null}
    </div>
  );
}

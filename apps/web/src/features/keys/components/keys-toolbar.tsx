import { useId } from "react";
import { SearchIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import type { KeyTypeFilter } from "../api/get-keys";
import { KeysFilterMenu } from "./keys-filter-menu";

/** Above the key list: the name search, a refresh spinner and the filter menu. */
export function KeysToolbar({
  searchInput,
  onSearchInputChange,
  isUpdating,
  includeDisabled,
  onIncludeDisabledChange,
  type,
  onTypeChange,
}: {
  searchInput: string;
  onSearchInputChange: (value: string) => void;
  isUpdating: boolean;
  includeDisabled: boolean;
  onIncludeDisabledChange: (value: boolean) => void;
  type: KeyTypeFilter | undefined;
  onTypeChange: (value: KeyTypeFilter | undefined) => void;
}) {
  const searchId = useId();
  return (
    <div className="toolbar">
      <div className="search">
        <SearchIcon />
        <label htmlFor={searchId} className="visually-hidden">
          Search keys by name
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search by name"
          value={searchInput}
          onChange={(e) => onSearchInputChange(e.target.value)}
          maxLength={100}
        />
      </div>
      {isUpdating ? <Spinner size="sm" label="Updating" /> : null}
      <span className="toolbar__spacer" />
      {includeDisabled ? <span className="text-subtle hide-sm">Showing disabled keys</span> : null}
      <KeysFilterMenu
        includeDisabled={includeDisabled}
        onIncludeDisabledChange={onIncludeDisabledChange}
        type={type}
        onTypeChange={onTypeChange}
      />
    </div>
  );
}

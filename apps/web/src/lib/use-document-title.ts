import { useEffect } from "react";

/** "API Keys · Acme · Keyward": each page names itself in the tab and the history. */
export function useDocumentTitle(...parts: (string | undefined)[]): void {
  const title = [...parts.filter(Boolean), "Keyward"].join(" · ");
  useEffect(() => {
    document.title = title;
  }, [title]);
}

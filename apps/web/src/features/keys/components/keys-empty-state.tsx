import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { KeyIcon } from "@/components/ui/icons";
import { ApiReferenceLink, ReadKeyExample, WriteKeyExample } from "./usage-examples";

export function KeysEmptyState({
  includeDisabled,
  action,
}: {
  includeDisabled: boolean;
  action: ReactNode;
}) {
  const origin = window.location.origin;
  return (
    <EmptyState
      icon={<KeyIcon />}
      title={includeDisabled ? "No API keys yet" : "No enabled API keys"}
      action={action}
    >
      <div className="stack">
        <p className="empty-state__lead">
          An API key lets a program talk to Keyward without a password. Give each app or environment
          its own key, so you can disable one without touching the others.
          {includeDisabled
            ? null
            : " Disabled keys are hidden: turn on Disabled in the filter to see them."}
        </p>
        <div className="usage">
          <div className="usage__card">
            <h3 className="usage__title">Write keys send events</h3>
            <p className="text-muted">
              Use a key with the <strong>Write</strong> permission in your backend to record events,
              in batches of up to 10,000.
            </p>
            <WriteKeyExample origin={origin} />
          </div>
          <div className="usage__card">
            <h3 className="usage__title">Read keys query metrics</h3>
            <p className="text-muted">
              Use a key with the <strong>Read</strong> permission for the metrics API, for example
              as a Grafana data source.
            </p>
            <ReadKeyExample origin={origin} />
          </div>
        </div>
        <ApiReferenceLink />
      </div>
    </EmptyState>
  );
}

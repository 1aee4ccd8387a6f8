import type { ReactNode } from "react";
import { InfoIcon, WarningIcon } from "./icons";

export function Alert({
  tone = "info",
  title,
  children,
  action,
}: {
  tone?: "info" | "warning" | "danger" | "success";
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const Icon = tone === "info" || tone === "success" ? InfoIcon : WarningIcon;
  return (
    <div className={`alert alert--${tone}`} role={tone === "danger" ? "alert" : undefined}>
      <Icon className="alert__icon" />
      <div className="alert__body">
        {title ? <p className="alert__title">{title}</p> : null}
        {children ? <div className="alert__text">{children}</div> : null}
      </div>
      {action ? <div className="alert__action">{action}</div> : null}
    </div>
  );
}

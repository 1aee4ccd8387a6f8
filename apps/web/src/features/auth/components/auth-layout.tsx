import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { LogoMark } from "@/components/ui/icons";
import { useDocumentTitle } from "@/lib/use-document-title";

export function AuthLayout({
  title,
  documentTitle,
  subtitle,
  children,
  footer,
}: {
  title: ReactNode;
  /** The tab's title when `title` is not plain text. */
  documentTitle?: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useDocumentTitle(documentTitle ?? (typeof title === "string" ? title : undefined));
  return (
    <div className="auth-page">
      <Link to="/" className="brand" aria-label="Keyward home">
        <LogoMark />
        Keyward
      </Link>
      <main className="card auth-card">
        <h1 className="auth-card__title">{title}</h1>
        {subtitle ? (
          <p className="auth-card__subtitle">{subtitle}</p>
        ) : (
          <div className="auth-card__subtitle" />
        )}
        {children}
        {footer ? <div className="auth-card__footer">{footer}</div> : null}
      </main>
    </div>
  );
}

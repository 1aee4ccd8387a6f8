import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { LogoMark } from "@/components/ui/icons";

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
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

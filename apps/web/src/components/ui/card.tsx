import type { ReactNode } from "react";

/** A titled section of a page: its heading names the section, `action` sits beside it. */
export function Card({
  id,
  title,
  description,
  action,
  children,
}: {
  /** The heading's id (the section is labelled by it). */
  id: string;
  title: ReactNode;
  description: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card__header">
        <div>
          <h2 id={id} className="card__title">
            {title}
          </h2>
          <p className="card__description">{description}</p>
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}

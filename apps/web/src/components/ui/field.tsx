import {
  type ComponentProps,
  createElement,
  type InputHTMLAttributes,
  type ReactNode,
  useId,
} from "react";

interface FieldTextProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}

/** What a control needs to name its hint and error to assistive technology. */
interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** The ids of a field's hint and error, and the control's attributes that point at them. */
function useFieldIds(hint: ReactNode, error: string | undefined) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  const control: ControlProps = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
  };
  return { hintId, errorId, control };
}

/** A label above its control, the hint and the error below. */
function FieldFrame({
  label,
  hint,
  error,
  children,
}: FieldTextProps & { children: (control: ControlProps) => ReactNode }) {
  const { hintId, errorId, control } = useFieldIds(hint, error);
  return (
    <div className={`field ${error ? "field--invalid" : ""}`.trim()}>
      <label className="field__label" htmlFor={control.id}>
        {label}
      </label>
      {children(control)}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </div>
  );
}

export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={id} className="field__error">
      {children}
    </p>
  );
}

const withClass = (base: string, className: string | undefined) =>
  `${base} ${className ?? ""}`.trim();

type ControlTag = "input" | "textarea" | "select";
type FramedProps<Tag extends ControlTag> = FieldTextProps & Omit<ComponentProps<Tag>, "id">;

/** A labelled field around one kind of control (`base` is the control's own class). */
function FramedControl<Tag extends ControlTag>({
  tag,
  base,
  label,
  hint,
  error,
  className,
  ...props
}: FramedProps<Tag> & { tag: Tag; base: string }) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {(control) =>
        createElement(tag, { ...control, className: withClass(base, className), ...props })
      }
    </FieldFrame>
  );
}

export function TextField(props: FramedProps<"input">) {
  return <FramedControl tag="input" base="input" {...props} />;
}

export function TextAreaField(props: FramedProps<"textarea">) {
  return <FramedControl tag="textarea" base="input" {...props} />;
}

export function SelectField(props: FramedProps<"select">) {
  return <FramedControl tag="select" base="select" {...props} />;
}

export type CheckboxProps = FieldTextProps &
  Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type">;

/** A checkbox with its label beside it and an optional hint (e.g. why it is disabled). */
export function Checkbox({ label, hint, error, className, ...props }: CheckboxProps) {
  const { hintId, errorId, control } = useFieldIds(hint, error);
  return (
    <div className={`check ${props.disabled ? "check--disabled" : ""} ${className ?? ""}`.trim()}>
      <input {...control} type="checkbox" className="check__input" {...props} />
      <div className="check__text">
        <label htmlFor={control.id} className="check__label">
          {label}
        </label>
        {hint ? (
          <p id={hintId} className="check__hint">
            {hint}
          </p>
        ) : null}
        {error ? <FieldError id={errorId}>{error}</FieldError> : null}
      </div>
    </div>
  );
}

export interface OptionCardProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "title"> {
  title: ReactNode;
  text: ReactNode;
}

/** One radio choice of a fieldset, drawn as a card: its title and a line saying what it does. */
export function OptionCard({ title, text, ...props }: OptionCardProps) {
  return (
    <label className="option-card">
      <input type="radio" {...props} />
      <span>
        <span className="option-card__title">{title}</span>
        <br />
        <span className="option-card__text">{text}</span>
      </span>
    </label>
  );
}

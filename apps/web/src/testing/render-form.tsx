import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ComponentType } from "react";
import { vi } from "vitest";

/** What a dialog hands its form: the mutation's state and the two callbacks. */
interface DialogFormProps {
  isPending: boolean;
  serverError: unknown;
  onCancel: () => void;
  onSubmit: (value: never) => void;
}

/** A form's own props (each member of a union kept apart); the mutation's state is optional. */
type OwnProps<P> = P extends unknown
  ? Omit<P, keyof DialogFormProps> & Partial<Pick<DialogFormProps, "isPending" | "serverError">>
  : never;

/**
 * Renders a form as its dialog would, idle (not pending, no server error unless given), with spies
 * for Submit and Cancel; answers them and a user-event session.
 */
export function renderForm<P extends DialogFormProps>(Form: ComponentType<P>, props: OwnProps<P>) {
  const onSubmit = vi.fn();
  const onCancel = vi.fn();
  const all = { isPending: false, serverError: null, onCancel, onSubmit, ...props } as unknown as P;
  render(<Form {...all} />);
  return { onSubmit, onCancel, user: userEvent.setup() };
}

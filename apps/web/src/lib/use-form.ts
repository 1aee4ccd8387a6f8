import { useCallback, useState } from "react";
import type { z } from "zod";
import { errorMessage } from "./api-client";
import {
  serverFieldErrors as apiFieldErrors,
  describeFieldError,
  type FieldErrors,
  zodFieldErrors,
} from "./form-errors";

export interface FormOptions<V extends object> {
  initialValues: V | (() => V);
  /** The mutation's error: the field errors it names (the API's 400 `details`) show beside them. */
  serverError: unknown;
  /** The error names shown beside a control; a server error naming none of them is the form's. */
  fields: readonly string[] | ((field: string) => boolean);
  /** The error a change of `field` clears (by default the error of the same name). */
  errorFieldOf?: (field: keyof V & string) => string;
  /** The field errors a server error carries (by default its `details`). */
  serverFieldErrors?: (error: unknown) => FieldErrors;
  /** The text of a server error shown above the form (by default its message). */
  formErrorMessage?: (error: unknown) => string;
}

type Updater<V> = V | ((current: V) => V);

/** The fields of `V` that hold free text (a plain string, not a union of choices). */
type TextFieldName<V> = {
  [K in keyof V]: string extends V[K] ? (V[K] extends string ? K : never) : never;
}[keyof V] &
  string;

/**
 * A form's values and errors: client checks with the shared zod schema, the server's field errors
 * from its answer, merged (the client's win), and the server's message when it names no field.
 */
export function useForm<V extends object>(options: FormOptions<V>) {
  const { serverError, fields } = options;
  const [values, setValuesState] = useState<V>(options.initialValues);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  const serverErrors = (options.serverFieldErrors ?? apiFieldErrors)(serverError);
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };
  const shown = typeof fields === "function" ? fields : (field: string) => fields.includes(field);
  const formError =
    serverError && !Object.keys(errors).some(shown)
      ? (options.formErrorMessage ?? errorMessage)(serverError)
      : undefined;

  /** Clears the client errors `match` names (an error name, or a test of one). */
  const clearErrors = useCallback((match: string | ((field: string) => boolean)) => {
    const test = typeof match === "string" ? (field: string) => field === match : match;
    setClientErrors((current) =>
      Object.keys(current).some(test)
        ? Object.fromEntries(Object.entries(current).filter(([field]) => !test(field)))
        : current,
    );
  }, []);

  const errorFieldOf = options.errorFieldOf;
  /** Sets one value and clears the error it was shown with. */
  const setValue = useCallback(
    <K extends keyof V & string>(field: K, value: V[K]) => {
      setValuesState((current) => ({ ...current, [field]: value }));
      clearErrors(errorFieldOf ? errorFieldOf(field) : field);
    },
    [clearErrors, errorFieldOf],
  );

  const setValues = useCallback((next: Updater<V>) => setValuesState(next), []);

  /**
   * Checks `input` with `schema`: its data when it and `extraErrors` (the checks zod cannot make)
   * pass, else undefined with the errors shown beside their fields.
   */
  const validate = <S extends z.ZodType>(
    schema: S,
    input: unknown,
    extraErrors: Partial<FieldErrors> = {},
  ): z.output<S> | undefined => {
    const extra = Object.fromEntries(
      Object.entries(extraErrors).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    const parsed = schema.safeParse(input);
    const next = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...extra };
    setClientErrors(next);
    return parsed.success && Object.keys(extra).length === 0 ? parsed.data : undefined;
  };

  const reset = (next?: V) => {
    if (next !== undefined) setValuesState(next);
    setClientErrors({});
  };

  return {
    values,
    setValue,
    setValues,
    /** Client and server field errors by name, the client's first. */
    errors,
    clientErrors,
    error: (field: string): string | undefined => errors[field],
    /** The error under a control: "Name must not be empty." */
    fieldError: (field: string, label: string) => describeFieldError(label, errors[field]),
    /** A text control's name, value, change handler and error, to spread on a `TextField`. */
    textProps: <K extends TextFieldName<V>>(field: K, label: string) => ({
      name: field,
      value: values[field] as string,
      onChange: (event: { target: { value: string } }) =>
        setValue(field, event.target.value as V[K]),
      error: describeFieldError(label, errors[field]),
    }),
    /** The server's message, when it names no field of the form. */
    formError,
    validate,
    setErrors: setClientErrors,
    clearErrors,
    reset,
  };
}

export type Form<V extends object> = ReturnType<typeof useForm<V>>;

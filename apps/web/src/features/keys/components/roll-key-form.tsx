import { type KeyAnswer, MAX_GRACE_SECONDS, rollKeyBodySchema } from "@keyward/shared";
import { type FormEvent, useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { FieldError, OptionCard } from "@/components/ui/field";
import { RotateIcon } from "@/components/ui/icons";
import { formatDateTime } from "@/lib/format";
import { useForm } from "@/lib/use-form";
import { KeySummary } from "./key-summary";

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const GRACE_PRESETS = [
  { seconds: 0, label: "Now", text: "Refused from its next request." },
  { seconds: HOUR, label: "In 1 hour", text: "Time to redeploy a service." },
  { seconds: DAY, label: "In 24 hours", text: "A day to update your apps." },
  { seconds: 7 * DAY, label: "In 7 days", text: "The longest grace period." },
] as const;

export const GRACE_UNITS = [
  { seconds: MINUTE, label: "minutes" },
  { seconds: HOUR, label: "hours" },
  { seconds: DAY, label: "days" },
] as const;

type GraceChoice = `${(typeof GRACE_PRESETS)[number]["seconds"]}` | "custom";

export interface CustomGrace {
  amount: string;
  unitSeconds: number;
}

/** The custom grace period in whole seconds, or why it is not a valid one. */
export function customGraceSeconds(
  custom: CustomGrace,
): { ok: true; seconds: number } | { ok: false; message: string } {
  const text = custom.amount.trim();
  const amount = Number(text);
  if (text === "" || !Number.isFinite(amount)) {
    return { ok: false, message: "Enter how long the old key keeps working." };
  }
  if (amount < 0) return { ok: false, message: "The grace period cannot be negative." };
  const seconds = Math.round(amount * custom.unitSeconds);
  if (seconds > MAX_GRACE_SECONDS) {
    return { ok: false, message: "The grace period can be at most 7 days." };
  }
  return { ok: true, seconds };
}

/** When the old key will stop working: the earlier of its own expiry and now + grace. */
export function oldKeyExpiry(key: Pick<KeyAnswer, "expiresAt">, graceSeconds: number, now: number) {
  const graceEnd = now + graceSeconds * 1000;
  const own = key.expiresAt ? Date.parse(key.expiresAt) : Number.POSITIVE_INFINITY;
  return { at: Math.min(own, graceEnd), keepsOwnExpiry: own < graceEnd };
}

export function RollKeyForm({
  keyData,
  isPending,
  serverError,
  onCancel,
  onSubmit,
}: {
  keyData: KeyAnswer;
  isPending: boolean;
  serverError: unknown;
  onCancel: () => void;
  onSubmit: (graceSeconds: number) => void;
}) {
  const form = useForm<{ choice: GraceChoice; custom: CustomGrace }>({
    initialValues: {
      choice: String(DAY) as GraceChoice,
      custom: { amount: "2", unitSeconds: HOUR },
    },
    serverError,
    // The server's errors are about the roll as a whole: shown above the form.
    fields: [],
    errorFieldOf: () => "graceSeconds",
  });
  const { choice, custom } = form.values;
  const customError = form.error("graceSeconds");
  const amountId = useId();
  const unitId = useId();
  const customErrorId = useId();

  const now = Date.now();
  const expired = keyData.expiresAt !== null && Date.parse(keyData.expiresAt) <= now;
  const customResult = customGraceSeconds(custom);
  const graceSeconds =
    choice === "custom" ? (customResult.ok ? customResult.seconds : null) : Number(choice);
  const outcome = graceSeconds === null ? null : oldKeyExpiry(keyData, graceSeconds, now);

  const setChoice = (next: GraceChoice) => form.setValue("choice", next);
  const setCustomField = (next: Partial<CustomGrace>) =>
    form.setValue("custom", { ...custom, ...next });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (expired) return;
    const result: ReturnType<typeof customGraceSeconds> =
      choice === "custom" ? customGraceSeconds(custom) : { ok: true, seconds: Number(choice) };
    const body = form.validate(
      rollKeyBodySchema,
      { graceSeconds: result.ok ? result.seconds : 0 },
      {
        graceSeconds: result.ok ? undefined : result.message,
      },
    );
    if (body) onSubmit(body.graceSeconds);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Roll API key">
      <DialogBody>
        <div className="stack">
          <p className="text-muted">
            Rolling creates a new key with the same name, type, permissions and owner, and shows its
            secret once. The old key keeps working for the grace period you choose, so your apps can
            switch over; then it expires.
          </p>
          {expired ? (
            <Alert tone="warning" title="This key has expired">
              The new key would take over its expiry and be expired too. Give this key a new
              expiration date first, or create a new key.
            </Alert>
          ) : null}
          {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}

          <fieldset className="fieldset" disabled={isPending || expired}>
            <legend className="fieldset__legend">When should the old key stop working?</legend>
            <div className="grace-options">
              {GRACE_PRESETS.map((preset) => (
                <OptionCard
                  key={preset.seconds}
                  name="grace"
                  value={preset.seconds}
                  checked={choice === String(preset.seconds)}
                  onChange={() => setChoice(String(preset.seconds) as GraceChoice)}
                  data-autofocus={choice === String(preset.seconds) ? "" : undefined}
                  title={preset.label}
                  text={preset.text}
                />
              ))}
              <OptionCard
                name="grace"
                value="custom"
                checked={choice === "custom"}
                onChange={() => setChoice("custom")}
                title="Custom"
                text="Up to 7 days."
              />
            </div>
            {choice === "custom" ? (
              <div className="grace-custom">
                <div className="field">
                  <label className="field__label" htmlFor={amountId}>
                    Grace period
                  </label>
                  <input
                    id={amountId}
                    className="input"
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="any"
                    value={custom.amount}
                    aria-invalid={customError ? true : undefined}
                    aria-describedby={customError ? customErrorId : undefined}
                    onChange={(e) => setCustomField({ amount: e.target.value })}
                  />
                </div>
                <div className="field">
                  <label className="field__label" htmlFor={unitId}>
                    Unit
                  </label>
                  <select
                    id={unitId}
                    className="select"
                    value={custom.unitSeconds}
                    onChange={(e) => setCustomField({ unitSeconds: Number(e.target.value) })}
                  >
                    {GRACE_UNITS.map((unit) => (
                      <option key={unit.seconds} value={unit.seconds}>
                        {unit.label}
                      </option>
                    ))}
                  </select>
                </div>
                {customError ? <FieldError id={customErrorId}>{customError}</FieldError> : null}
              </div>
            ) : null}
          </fieldset>

          {!expired && graceSeconds === 0 ? (
            <Alert tone="warning" title="This key stops working as soon as you roll">
              <KeySummary keyData={keyData} now={now} />
            </Alert>
          ) : null}
          {!expired && outcome ? (
            <p className="text-muted" aria-live="polite">
              {outcome.at <= now
                ? "The old key stops working as soon as you roll."
                : outcome.keepsOwnExpiry
                  ? `The old key already expires sooner, on ${formatDateTime(new Date(outcome.at).toISOString())}; it keeps that date.`
                  : `The old key keeps working until ${formatDateTime(new Date(outcome.at).toISOString())}.`}
              {keyData.expiresAt
                ? ` The new key takes over this key’s expiry (${formatDateTime(keyData.expiresAt)}).`
                : ""}
              {keyData.enabled ? "" : " Like this key, the new one starts disabled."}
            </p>
          ) : null}
        </div>
      </DialogBody>
      <DialogFooter>
        <Button onClick={onCancel} disabled={isPending}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="primary"
          icon={<RotateIcon />}
          isLoading={isPending}
          disabled={expired}
        >
          Roll key
        </Button>
      </DialogFooter>
    </form>
  );
}

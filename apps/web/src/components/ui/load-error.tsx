import { errorMessage } from "@/lib/api-client";
import { Alert } from "./alert";
import { Button } from "./button";

interface Props {
  title: string;
  error: unknown;
  onRetry: () => void;
}

/** Something did not load: why, and a way to try again. */
export function RetryAlert({ title, error, onRetry }: Props) {
  return (
    <Alert
      tone="danger"
      title={title}
      action={
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}

/** In place of a list that did not load. */
export function LoadError(props: Props) {
  return (
    <div className="table-state">
      <RetryAlert {...props} />
    </div>
  );
}

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api-client";

export function SessionErrorPage({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <main className="page">
      <Alert
        tone="danger"
        title="Keyward could not load"
        action={
          <Button size="sm" onClick={onRetry}>
            Try again
          </Button>
        }
      >
        {errorMessage(error)}
      </Alert>
    </main>
  );
}

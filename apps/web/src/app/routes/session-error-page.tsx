import { RetryAlert } from "@/components/ui/load-error";

export function SessionErrorPage({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <main className="page">
      <RetryAlert title="Keyward could not load" error={error} onRetry={onRetry} />
    </main>
  );
}

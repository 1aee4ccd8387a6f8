import { CodeBlock } from "@/components/ui/code-block";

export function eventsExample(origin: string, token = "<key>"): string {
  return `curl -X POST ${origin}/v1/events \\
  -H 'x-api-token: ${token}' \\
  -H 'content-type: application/json' \\
  -d '[{"eventName":"signup"}]'`;
}

export function metricsExample(origin: string, token = "<key>"): string {
  return `curl "${origin}/v1/metrics?eventName=signup" \\
  -H 'x-api-token: ${token}'`;
}

export function WriteKeyExample({ origin, token }: { origin: string; token?: string }) {
  return <CodeBlock label="Example: send an event" code={eventsExample(origin, token)} />;
}

export function ReadKeyExample({ origin, token }: { origin: string; token?: string }) {
  return <CodeBlock label="Example: read a metric" code={metricsExample(origin, token)} />;
}

export function ApiReferenceLink() {
  return (
    <p className="text-muted">
      Every call, field and error code is in the{" "}
      <a href="/docs" target="_blank" rel="noreferrer">
        API reference
      </a>
      .
    </p>
  );
}

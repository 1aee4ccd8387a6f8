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

/** The same calls with @keyward/client (batched, retried), which reads the key from KEYWARD_API_KEY. */
export function clientExample(origin: string, call: "send" | "read"): string {
  const line =
    call === "send"
      ? `await keyward.events.send({ eventName: "signup" });\nawait keyward.close(); // sends what is batched`
      : `const { points } = await keyward.metrics.get({ eventName: "signup" });`;
  return `import { createKeyward } from "@keyward/client";

const keyward = createKeyward({ baseUrl: "${origin}" }); // key from KEYWARD_API_KEY
${line}`;
}

export function WriteKeyExample({ origin, token }: { origin: string; token?: string }) {
  return (
    <>
      <CodeBlock label="Example: send an event" code={eventsExample(origin, token)} />
      <CodeBlock label="Example with @keyward/client" code={clientExample(origin, "send")} />
    </>
  );
}

export function ReadKeyExample({ origin, token }: { origin: string; token?: string }) {
  return (
    <>
      <CodeBlock label="Example: read a metric" code={metricsExample(origin, token)} />
      <CodeBlock label="Example with @keyward/client" code={clientExample(origin, "read")} />
    </>
  );
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

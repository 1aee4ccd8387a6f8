import { CopyButton } from "./copy-button";

export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="code-block">
      <pre className="code-block__pre">
        <code>{code}</code>
      </pre>
      <div className="code-block__copy">
        <CopyButton text={code} accessibleLabel={`Copy ${label}`} />
      </div>
    </div>
  );
}

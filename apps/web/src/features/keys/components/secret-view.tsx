import type { KeyAnswer } from "@keyward/shared";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { ApiReferenceLink, ReadKeyExample, WriteKeyExample } from "./usage-examples";

/** Shown once, right after the key is created: the secret is not kept anywhere else. */
export function SecretView({
  keyData,
  secret,
  onDone,
}: {
  keyData: KeyAnswer;
  secret: string;
  onDone: () => void;
}) {
  const origin = window.location.origin;
  return (
    <>
      <DialogBody>
        <div className="stack">
          <Alert tone="warning" title="Copy this key now. You will not see it again.">
            Keyward stores only a hash of it. If you lose it, create a new key and delete this one.
          </Alert>
          <div className="stack stack--sm">
            <p className="field__label" id="secret-label">
              Secret for “{keyData.name}”
            </p>
            <div className="secret">
              <code className="secret__value" data-testid="key-secret">
                {secret}
              </code>
              <CopyButton text={secret} label="Copy" accessibleLabel="Copy secret" autoFocus />
            </div>
          </div>
          {keyData.permissions.write ? <WriteKeyExample origin={origin} token={secret} /> : null}
          {keyData.permissions.read ? <ReadKeyExample origin={origin} token={secret} /> : null}
          <ApiReferenceLink />
        </div>
      </DialogBody>
      <DialogFooter>
        <Button variant="primary" onClick={onDone}>
          Done, I have copied it
        </Button>
      </DialogFooter>
    </>
  );
}

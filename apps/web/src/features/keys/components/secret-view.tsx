import type { KeyAnswer } from "@keyward/shared";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogBody, DialogFooter } from "@/components/ui/dialog";
import { DownloadIcon } from "@/components/ui/icons";
import { downloadText } from "@/lib/download";
import { keyFileName, keyFileText } from "./key-file";
import { ApiReferenceLink, ReadKeyExample, WriteKeyExample } from "./usage-examples";

/** Shown once, right after the key is created: the secret is not kept anywhere else. */
export function SecretView({
  keyData,
  secret,
  saved,
  confirmingClose,
  onSaved,
  onDone,
  onKeepOpen,
  onCloseAnyway,
}: {
  keyData: KeyAnswer;
  secret: string;
  /** Copied or downloaded at least once. */
  saved: boolean;
  /** Closing was asked for before the secret was saved: ask first. */
  confirmingClose: boolean;
  onSaved: () => void;
  onDone: () => void;
  onKeepOpen: () => void;
  onCloseAnyway: () => void;
}) {
  const origin = window.location.origin;
  return (
    <>
      <DialogBody>
        <div className="stack">
          <Alert tone="warning" title="Copy or download this key now. You will not see it again.">
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
              <CopyButton
                text={secret}
                label="Copy"
                accessibleLabel="Copy secret"
                autoFocus
                onCopied={onSaved}
              />
              <Button
                size="sm"
                icon={<DownloadIcon />}
                aria-label="Download secret as a .env file"
                onClick={() => {
                  downloadText(keyFileName(keyData), keyFileText(keyData, secret));
                  onSaved();
                }}
              >
                Download
              </Button>
            </div>
          </div>
          {keyData.permissions.write ? <WriteKeyExample origin={origin} token={secret} /> : null}
          {keyData.permissions.read ? <ReadKeyExample origin={origin} token={secret} /> : null}
          <ApiReferenceLink />
        </div>
      </DialogBody>
      <DialogFooter>
        {confirmingClose ? (
          <div className="confirm-close" role="alert">
            <p className="confirm-close__text">
              You haven’t copied this key. Close anyway? It can’t be shown again.
            </p>
            <div className="confirm-close__actions">
              <Button onClick={onKeepOpen} autoFocus>
                Go back
              </Button>
              <Button variant="danger" onClick={onCloseAnyway}>
                Close anyway
              </Button>
            </div>
          </div>
        ) : (
          <Button variant="primary" onClick={onDone}>
            {saved ? "Done" : "Done, I have saved it"}
          </Button>
        )}
      </DialogFooter>
    </>
  );
}

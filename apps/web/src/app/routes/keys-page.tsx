import { useParams } from "react-router-dom";
import { KeysView } from "@/features/keys/components/keys-view";

export function KeysPage() {
  const { orgId = "" } = useParams();
  // Keyed by org: switching orgs starts from a clean page (dialogs, sorting, search).
  return <KeysView key={orgId} orgId={orgId} />;
}

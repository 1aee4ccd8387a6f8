import { useParams } from "react-router-dom";
import { AuditView } from "@/features/audit/components/audit-view";

export function AuditPage() {
  const { orgId = "" } = useParams();
  return <AuditView key={orgId} orgId={orgId} />;
}

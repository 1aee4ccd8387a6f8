import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RouterProvider } from "react-router-dom";
import { ToastProvider } from "@/components/ui/toast";
import { setUnauthenticatedHandler } from "@/lib/api-client";
import { isPublicPath, signInPath } from "@/lib/paths";
import { createQueryClient } from "@/lib/query-client";
import { createAppRouter } from "./router";

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      const { pathname, search } = router.state.location;
      if (isPublicPath(pathname)) return;
      queryClient.clear();
      const next = pathname === "/" ? undefined : `${pathname}${search}`;
      void router.navigate(signInPath(next), { replace: true });
    });
    return () => setUnauthenticatedHandler(undefined);
  }, [queryClient, router]);

  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}

/** Saves text as a file through the browser's download, without a server round trip. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The secret must not stay reachable through a blob URL once the browser has it.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A button that saves a CSV built on click. The file is a Blob URL on an <a download> clicked in the extension's
 * own document. Looker runs extensions in a sandboxed iframe: whether its sandbox allows downloads could not be
 * checked (no Looker instance); the preview and headless Chromium do.
 */
import { ButtonOutline } from '@looker/components';

export function saveCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DownloadCsv({ csv, filename, label, testId }: { csv: () => string; filename: string; label: string; testId: string }) {
  return (
    <ButtonOutline size="small" data-testid={testId} onClick={() => saveCsv(filename, csv())}>
      {label}
    </ButtonOutline>
  );
}

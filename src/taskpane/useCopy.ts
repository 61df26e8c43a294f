import { useCallback, useState } from 'react';

export type CopyStatus = 'idle' | 'copied' | 'failed';

/**
 * Copies text: the async Clipboard API where the host allows it (some Office hosts block it in
 * the add-in's frame), else a selected hidden textarea and the legacy copy command.
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard?.writeText) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the legacy way
    }
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  doc.body.appendChild(area);
  const focused = doc.activeElement as HTMLElement | null;
  try {
    area.focus({ preventScroll: true });
    area.select();
    return typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    focused?.focus();
  }
}

export function useCopy(): { status: CopyStatus; copy(text: string): Promise<void> } {
  const [status, setStatus] = useState<CopyStatus>('idle');
  const copy = useCallback(async (text: string) => {
    setStatus('idle');
    setStatus((await copyText(text)) ? 'copied' : 'failed');
  }, []);
  return { status, copy };
}

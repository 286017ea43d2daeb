import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ExtensionContext40 } from '@looker/extension-sdk-react';
import { QueryError } from './runQuery';

/** The core SDK and the extension SDK from the provider (a fake one in tests). */
export function useLooker() {
  const { coreSDK, extensionSDK } = useContext(ExtensionContext40);
  return { sdk: coreSDK, extensionSDK };
}

export type AsyncState<T> =
  { status: 'idle' } | { status: 'loading'; startedAt: number } | { status: 'success'; data: T } | { status: 'error'; error: QueryError };

/**
 * Runs `run` whenever `key` changes (null = nothing to run). A newer run or unmount aborts the older one, so a
 * slow answer never overwrites a newer one; `cancel` lets the user stop waiting, `retry` runs again.
 */
export function useAsync<T>(key: string | null, run: (signal: AbortSignal) => Promise<T>) {
  const [state, setState] = useState<AsyncState<T>>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return undefined;
    }
    const current = new AbortController();
    controller.current = current;
    setState({ status: 'loading', startedAt: Date.now() });
    runRef.current(current.signal).then(
      (data) => {
        if (controller.current === current && !current.signal.aborted) setState({ status: 'success', data });
      },
      (e: unknown) => {
        if (controller.current !== current) return;
        const error = e instanceof QueryError ? e : new QueryError('failed', e instanceof Error ? e.message : String(e));
        setState({ status: 'error', error });
      },
    );
    return () => current.abort();
  }, [key, attempt]);

  const cancel = useCallback(() => controller.current?.abort(), []);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { state, cancel, retry };
}

/** Seconds since `startedAt`, ticking while mounted: progress for queries that report none. */
export function useElapsedSeconds(startedAt: number | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (startedAt === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [startedAt]);
  return startedAt === null ? 0 : Math.max(0, Math.floor((now - startedAt) / 1000));
}

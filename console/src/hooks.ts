/** Data loading with live refresh: fetches now, then every `intervalMs`, without reloading the page. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { inBackground } from './api';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  refreshedAt: Date | null;
  refresh(): Promise<void>;
}

export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = 5000): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Answers to an older key (a filter since changed) are dropped.
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = generation.current;
    try {
      const result = await loadRef.current();
      if (mine !== generation.current) return;
      setData(result);
      setError(null);
      setRefreshedAt(new Date());
    } catch (failure) {
      if (mine !== generation.current) return;
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, []);

  useEffect(() => {
    generation.current += 1;
    setData(null);
    void refresh();
    if (intervalMs <= 0) return undefined;
    // Timed refreshes are not the user's activity: they do not hold the session open.
    const timer = window.setInterval(() => void inBackground(refresh), intervalMs);
    return () => window.clearInterval(timer);
  }, [key, intervalMs, refresh]);

  return { data, error, refreshedAt, refresh };
}

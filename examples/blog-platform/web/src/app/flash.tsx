import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from '../router/router.tsx';

/** The flash message and its setters (plain functions: safe to destructure). */
interface FlashValue {
  message: string | null;
  /** Shows `message` on the page the next navigation leads to (call it right before navigating). */
  flashNext: (message: string) => void;
  /** Shows `message` on this page, until the next navigation. */
  flashNow: (message: string) => void;
}

const FlashContext = createContext<FlashValue>({
  message: null,
  flashNext: () => undefined,
  flashNow: () => undefined,
});

/** A one-shot message ("Post deleted.") shown on one page and announced to screen readers. */
export function FlashProvider({ children }: { children: ReactNode }): ReactNode {
  const location = useLocation();
  const [flash, setFlash] = useState<{ message: string; key: number } | null>(null);
  const flashNext = useCallback((message: string) => setFlash({ message, key: location.key + 1 }), [location.key]);
  const flashNow = useCallback((message: string) => setFlash({ message, key: location.key }), [location.key]);
  const message = flash && flash.key === location.key ? flash.message : null;
  const value = useMemo(() => ({ message, flashNext, flashNow }), [message, flashNext, flashNow]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

/** The flash message for this page and the setters. */
export function useFlash(): FlashValue {
  return useContext(FlashContext);
}

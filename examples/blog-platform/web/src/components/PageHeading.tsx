import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from '../router/router.tsx';

/**
 * The page's `<h1>`. After a client-side navigation it takes the keyboard focus, so a screen
 * reader announces the new page and Tab continues from the top of its content; it also sets
 * the document title.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }): ReactNode {
  const ref = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();

  useEffect(() => {
    document.title = `${title} · podkit blog`;
  }, [title]);

  useEffect(() => {
    if (key > 0) ref.current?.focus();
  }, [key]);

  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

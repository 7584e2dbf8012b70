/**
 * Path-based navigation under /console with the History API: `useLocation` re-renders on
 * navigation, `navigate` pushes a path, `<Link>` is an anchor that does not reload the page.
 * The server answers every /console/* path with index.html, so deep links work.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';
const NAVIGATED = 'gongkai:navigate';

/** The path inside the console, always starting with '/'. */
function currentPath(): string {
  const path = window.location.pathname;
  const inner = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return inner === '' ? '/' : inner;
}

export function navigate(path: string, replace = false): void {
  const url = path.startsWith(BASE) ? path : `${BASE}${path}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [location, setLocation] = useState(() => ({ path: currentPath(), search: new URLSearchParams(window.location.search) }));
  useEffect(() => {
    const update = () => setLocation({ path: currentPath(), search: new URLSearchParams(window.location.search) });
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

interface AnchorProps {
  href: string;
  class?: string;
  title?: string;
  children?: ComponentChildren;
}

/** `href` is a console path ('/cases/application/2026-000001') or a full '/console/…' link. */
export function Link({ href, children, class: className, title }: AnchorProps) {
  const url = href.startsWith(BASE) ? href : `${BASE}${href}`;
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <a class={className} title={title} href={url} onClick={onClick}>
      {children}
    </a>
  );
}

/** Replaces the current path once rendered (never during render). */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

// Where the app is served: "" at a domain's root, "/prod" at API Gateway's stage URL. The server writes it into every
// page (<meta name="tavolo-base">, the path of Tavolo__PublicBaseUrl); every fetch, link and navigation to one of the
// app's own paths goes through url(), and a page reads its own path with here().
export const base = document.querySelector('meta[name="tavolo-base"]')?.content ?? '';

/** The URL of one of the app's paths ('/host', '/waitlists/1?limit=5'). */
export const url = (path) => `${base}${path}`;

/** This page's path without the base: '/w/abc' wherever the app is served. */
export const here = () => (base && location.pathname.startsWith(`${base}/`) ? location.pathname.slice(base.length) : location.pathname === base && base ? '/' : location.pathname);

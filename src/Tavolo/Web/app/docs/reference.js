// /docs: Scalar's API reference over /openapi/v1.json, started from this file rather than an inline script, so the
// page runs under a Content-Security-Policy without 'unsafe-inline' for scripts (WebModule.DocsContentSecurityPolicy).
import { initialize } from '/docs/scalar.aspnetcore.js';

initialize('%2Fdocs%2F', false, {
  withDefaultFonts: false, // no font CDN: the page uses only this server
  favicon: '/app/icon.svg',
  _integration: 'dotnet',
  sources: [{ title: 'v1', url: '/openapi/v1.json' }],
}, '');

// /docs: Scalar's API reference over /openapi/v1.json, started from this file rather than an inline script, so the
// page runs under a Content-Security-Policy without 'unsafe-inline' for scripts (WebModule.DocsPolicy). Paths go
// through url(), so the reference also works under a path prefix (API Gateway's stage).
import { url } from '../js/base.js';
import { initialize } from '../../docs/scalar.aspnetcore.js';

initialize(encodeURIComponent(url('/docs/')), false, {
  withDefaultFonts: false, // no font CDN: the page uses only this server
  favicon: url('/app/icon.svg'),
  _integration: 'dotnet',
  sources: [{ title: 'v1', url: url('/openapi/v1.json') }],
}, '');

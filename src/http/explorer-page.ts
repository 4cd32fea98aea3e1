/**
 * What the explorer page is made of, apart from the GraphiQL/React bundles: the HTML, a stylesheet and
 * the script that starts GraphiQL. All are served as files from our own origin, so the page's
 * Content-Security-Policy can forbid inline scripts and styles entirely.
 */

/** Shown in the operation editor on a first visit (GraphiQL then remembers the user's own text). */
export const DEFAULT_QUERY = `# CRM API explorer. ▶ runs an operation (pick
# one); Ctrl-Enter runs the one under the cursor.
# Docs: the top icon on the left.
#
# 1. Run Login and copy the token.
# 2. Headers (below): paste it over <token>, then
#    delete the "// " that turns "Authorization"
#    off (a name starting with // is not sent).
#    An API key goes in "x-api-key" instead.
# 3. Run Me.

mutation Login {
  login(input: { email: "admin@demo.crm", password: "demo1234" }) {
    token
    expiresAt
    user { name role }
  }
}

query Me {
  me { name role }
}
`;

/** The header editor's first content: commented-out examples (names starting with `//` are not sent). */
export const DEFAULT_HEADERS = `{
  "// Authorization": "Bearer <token>",
  "// x-api-key": "<an API key, instead of a token>"
}`;

/** Starts GraphiQL (globals from the UMD bundles loaded before it). Plain ES2017: no build step. */
export function explorerScript(endpoint: string): string {
  return `(function () {
  'use strict';
  var endpoint = ${JSON.stringify(endpoint)};
  var send = GraphiQL.createFetcher({ url: endpoint, enableIncrementalDelivery: false });
  // Header names starting with "//" are the editor's commented-out examples: never sent.
  function fetcher(params, options) {
    var headers = {};
    var given = (options && options.headers) || {};
    Object.keys(given).forEach(function (name) {
      if (name.trim().indexOf('//') !== 0) headers[name] = given[name];
    });
    return send(params, Object.assign({}, options, { headers: headers }));
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultHeaders: ${JSON.stringify(DEFAULT_HEADERS)},
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false, // tokens are not kept in localStorage
      defaultEditorToolsVisibility: 'headers',
      storage: GraphiQL.createLocalStorage({ namespace: 'crm-api-explorer' }),
    }),
  );
})();
`;
}

/**
 * GraphiQL fills the window exactly and scrolls inside its panes: no margins, no page scrollbar (which also
 * keeps the text of its scroll-lock style, and so its CSP hash, constant).
 */
export const EXPLORER_CSS = `html, body { height: 100%; margin: 0; padding: 0; }
#graphiql { height: 100%; }
`;

/** The page; `assets` is the versioned folder of the files above (`/explorer/<version>`). */
export function explorerHtml(assets: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CRM API explorer</title>
<link rel="stylesheet" href="${assets}/graphiql.min.css">
<link rel="stylesheet" href="${assets}/explorer.css">
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<noscript>The explorer needs JavaScript. The API itself is at this address: POST GraphQL requests to it.</noscript>
<script src="${assets}/react.production.min.js"></script>
<script src="${assets}/react-dom.production.min.js"></script>
<script src="${assets}/graphiql.min.js"></script>
<script src="${assets}/explorer.js"></script>
</body>
</html>
`;
}

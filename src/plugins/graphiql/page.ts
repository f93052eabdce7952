/**
 * The explorer page and the two small files of ours it loads. They live in a .ts module (not
 * .html/.js files) because the build copies only compiled TypeScript into dist/.
 */

export interface ExplorerAssets {
  css: string[];
  scripts: string[];
}

export interface ExplorerSettings {
  /** Where GraphiQL posts queries. */
  endpoint: string;
  /** Shown on a first visit; GraphiQL keeps the user's own tabs in localStorage after that. */
  defaultQuery: string;
}

export const DEFAULT_EXPLORER_QUERY = `# Port Registry GraphQL explorer.
# Run the query with the play button or Ctrl-Enter; the Docs pane (book icon) lists every field.
# Organisation data needs a key: add {"Authorization": "Bearer <key>"} under Headers below.
{
  port(number: 443) {
    port
    classification {
      range
    }
  }
}
`;

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** No inline script or style: the page's Content-Security-Policy allows only files of ours. */
export function explorerHtml(assets: ExplorerAssets): string {
  const links = assets.css.map(
    (href) => `    <link rel="stylesheet" href="${escapeAttribute(href)}" />`,
  );
  const scripts = assets.scripts.map(
    (src) => `    <script src="${escapeAttribute(src)}"></script>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
    '    <meta name="robots" content="noindex" />',
    '    <title>Port Registry GraphQL explorer</title>',
    // An empty icon, so that the browser does not ask for /favicon.ico.
    '    <link rel="icon" href="data:," />',
    ...links,
    '  </head>',
    '  <body>',
    '    <div id="graphiql">Loading the GraphQL explorer&hellip;</div>',
    '    <noscript>The explorer needs JavaScript; POST queries to /graphql instead.</noscript>',
    ...scripts,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

export const EXPLORER_CSS = `html,
body {
  height: 100%;
  margin: 0;
}

#graphiql {
  height: 100vh;
}
`;

/** Mounts GraphiQL (React, ReactDOM and GraphiQL are globals of their UMD builds). */
export function explorerScript(settings: ExplorerSettings): string {
  return `/* global React, ReactDOM, GraphiQL */
(function () {
  'use strict';
  var settings = ${JSON.stringify(settings)};
  var fetcher = GraphiQL.createFetcher({ url: settings.endpoint });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
`;
}

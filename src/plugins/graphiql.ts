import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_EXPLORER_QUERY,
  EXPLORER_CSS,
  explorerHtml,
  explorerScript,
} from './graphiql/page.js';

/**
 * The GraphiQL explorer at GET /graphiql, working without a network: GraphiQL, React and
 * ReactDOM are served from their npm packages (Mercurius's own `graphiql: true` page loads them
 * from a CDN, see shared/notes/OFFLINE-UI.md). Register it with Mercurius's `graphiql` off.
 */

export interface GraphiqlOptions {
  /** Where the explorer posts queries; default `/graphql`. */
  endpoint?: string;
}

const PAGE_PATH = '/graphiql';
const ASSETS_PATH = '/graphiql/assets';

/** Only this origin: our page, our assets, our /graphql (fonts are data: URLs in GraphiQL's CSS). */
const EXPLORER_CSP = [
  "default-src 'none'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "script-src 'self'",
  "style-src 'self'",
].join('; ');

interface VendorPackage {
  /** The npm package. */
  name: string;
  /** Its directory (relative to the package) holding the files. */
  directory: string;
  files: string[];
}

const VENDOR_PACKAGES: VendorPackage[] = [
  { name: 'react', directory: 'umd', files: ['react.production.min.js'] },
  { name: 'react-dom', directory: 'umd', files: ['react-dom.production.min.js'] },
  { name: 'graphiql', directory: '.', files: ['graphiql.min.css', 'graphiql.min.js'] },
];

interface VendorAssets {
  root: string;
  /** URL prefix, with the version in it so that the files may be cached for long. */
  prefix: string;
  files: string[];
}

function vendorAssets(vendor: VendorPackage): VendorAssets {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${vendor.name}/package.json`);
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const version =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest
      ? String(manifest.version)
      : 'current';
  return {
    root: path.join(path.dirname(manifestPath), vendor.directory),
    prefix: `${ASSETS_PATH}/${vendor.name}@${version}/`,
    files: vendor.files,
  };
}

export default async function graphiql(
  app: FastifyInstance,
  options: GraphiqlOptions,
): Promise<void> {
  const vendors = VENDOR_PACKAGES.map(vendorAssets);
  for (const vendor of vendors) {
    const allowed = new Set(vendor.files.map((file) => `/${file}`));
    await app.register(fastifyStatic, {
      root: vendor.root,
      prefix: vendor.prefix,
      decorateReply: false,
      index: false,
      // Only the listed files of the package, nothing else in its directory.
      allowedPath: (pathname) => allowed.has(pathname),
      maxAge: '30d',
      immutable: true,
    });
  }
  const vendorUrl = (file: string): string => {
    const vendor = vendors.find((candidate) => candidate.files.includes(file));
    if (!vendor) throw new Error(`no package serves ${file}`);
    return `${vendor.prefix}${file}`;
  };

  const html = explorerHtml({
    css: [vendorUrl('graphiql.min.css'), `${ASSETS_PATH}/explorer.css`],
    scripts: [
      vendorUrl('react.production.min.js'),
      vendorUrl('react-dom.production.min.js'),
      vendorUrl('graphiql.min.js'),
      `${ASSETS_PATH}/explorer.js`,
    ],
  });
  const script = explorerScript({
    endpoint: options.endpoint ?? '/graphql',
    defaultQuery: DEFAULT_EXPLORER_QUERY,
  });

  app.get(PAGE_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', EXPLORER_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(html),
  );
  app.get(`${ASSETS_PATH}/explorer.js`, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script),
  );
  app.get(`${ASSETS_PATH}/explorer.css`, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(EXPLORER_CSS),
  );
}

/** `npm run openapi`: writes the committed copy docs/openapi.json from the zod schemas. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../lib/bundling.js';
import { buildOpenApiDocument } from '../lib/openapi.js';

export const openApiFile = path.join(projectRoot, 'docs', 'openapi.json');
export const renderOpenApi = () => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  await mkdir(path.dirname(openApiFile), { recursive: true });
  await writeFile(openApiFile, renderOpenApi());
  console.log(`wrote ${path.relative(process.cwd(), openApiFile)}`);
}

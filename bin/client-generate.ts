/** `npm run client:generate`: writes the typed client's types, client/src/generated.ts, from the zod schemas and the route table. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedClientFile, renderClientTypes } from '../lib/client-types.js';

await writeFile(generatedClientFile, await renderClientTypes());
console.log(`wrote ${path.relative(process.cwd(), generatedClientFile)}`);

// Writes schemas/*.schema.json from the record definitions (npm run schemas).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR, emitSchemas } from '../src/records/emit.js';

mkdirSync(SCHEMA_DIR, { recursive: true });
for (const [name, text] of emitSchemas()) writeFileSync(join(SCHEMA_DIR, name), text);
console.log(`wrote ${emitSchemas().size} schemas to ${SCHEMA_DIR}/`);

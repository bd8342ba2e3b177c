import { isValidationWorker, serveValidationJob } from '../../../src/validate/index.js';
import { main } from './main.js';

// The bundle is also the script of validation threads (see src/validate/parallel.ts).
if (isValidationWorker()) await serveValidationJob();
else await main();

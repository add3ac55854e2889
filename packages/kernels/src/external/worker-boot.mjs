// Worker entry: TypeScript sources (the worker, a user's .ts kernel) load through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

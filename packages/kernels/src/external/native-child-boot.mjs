// Child-process entry for a native kernel: TypeScript sources load through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./native-child.ts');

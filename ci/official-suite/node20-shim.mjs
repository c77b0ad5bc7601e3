// Loaded with `node --import`: serves fs-globsync.mjs in place of 'fs' to the
// official conformance suite's modules only (see fs-globsync.mjs for why).
import { register } from 'node:module';

if (!('globSync' in (await import('node:fs')))) {
  register(new URL('./fs-globsync-loader.mjs', import.meta.url));
}
